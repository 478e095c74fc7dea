"""The runner image's programs, as a PATH: one directory of links to this machine's binaries.

A step (and every process it starts) finds a program by PATH lookup (``command -v``,
``shutil.which``, ``execvp``), so a directory holding links to exactly the image's programs
is the runner's PATH. ``sudo`` and ``apt-get`` are small shims: the run is already root, and
``apt-get install X`` links X's programs into the directory (installing X here first when this
machine lacks it), which is what the job would get on the runner.
A program named by an absolute path is not caught; the suite looks programs up by name.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

LIST_PATH = Path(__file__).with_name("ubuntu-24.04.toml")
# Where this machine's programs live; pyenv, cargo and friends are not the runner's.
MACHINE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_BIN_DIRS = ("/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/")
SHIMMED = ("sudo", "apt-get", "apt")
DENIED_LOG = "denied-programs.log"


@dataclass(frozen=True)
class ImageList:
    name: str
    readme: str
    image_version: str
    read_on: str
    packages: dict[str, str]
    programs: dict[str, tuple[str, list[str], str]]
    not_on_image: frozenset[str]


def load_image_list(path: Path = LIST_PATH) -> ImageList:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    image = data["image"]
    programs = {
        name: (str(entry[0]), [str(c) for c in entry[1]], str(entry[2]))
        for name, entry in data.get("programs", {}).items()
    }
    return ImageList(
        name=str(image["name"]),
        readme=str(image["readme"]),
        image_version=str(image["image_version"]),
        read_on=str(image["read_on"]),
        packages={str(k): str(v) for k, v in data.get("packages", {}).items()},
        programs=programs,
        not_on_image=frozenset(data.get("not_on_image", {}).get("names", [])),
    )


def installed_packages(names: list[str]) -> set[str]:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${Status}\\n", *names],
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        line.split()[0]
        for line in result.stdout.splitlines()
        if line.endswith(" install ok installed")
    }


def package_programs(package: str) -> dict[str, Path]:
    """The executables a package installed here puts in a bin directory: name -> path."""
    listing = subprocess.run(
        ["dpkg-query", "-L", package], capture_output=True, text=True, check=False
    ).stdout
    found: dict[str, Path] = {}
    for line in listing.splitlines():
        path = Path(line)
        if not line.startswith(_BIN_DIRS) or path.parent.as_posix() + "/" not in _BIN_DIRS:
            continue
        if os.path.isfile(path) and os.access(path, os.X_OK):
            # Merged /usr: prefer the /usr/bin spelling when both are listed.
            if path.name not in found or line.startswith("/usr/"):
                found[path.name] = path
    return found


def _which(candidate: str) -> Path | None:
    if candidate.startswith("/"):
        return Path(candidate) if os.access(candidate, os.X_OK) else None
    for directory in MACHINE_PATH.split(":"):
        path = Path(directory) / candidate
        if path.is_file() and os.access(path, os.X_OK):
            return path
    return None


@dataclass
class Sandbox:
    """The steps' PATH directory and what went into it."""

    root: Path
    image: ImageList
    linked: dict[str, Path] = field(default_factory=dict)
    absent_here: dict[str, str] = field(default_factory=dict)  # program -> Debian package

    @property
    def bin_dir(self) -> Path:
        return self.root / "bin"

    @property
    def denied_log(self) -> Path:
        return self.root / DENIED_LOG

    @property
    def bash_env(self) -> Path:
        return self.root / "bash_env.sh"

    def link(self, name: str, target: Path) -> None:
        if name in self.image.not_on_image or name in SHIMMED:
            return
        link = self.bin_dir / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target)
        self.linked[name] = target

    def build(self, proxy_url: str | None) -> None:
        self.bin_dir.mkdir(parents=True, exist_ok=True)
        for package in sorted(installed_packages(sorted(self.image.packages))):
            for name, path in package_programs(package).items():
                self.link(name, path)
        for name, (_, candidates, debian) in self.image.programs.items():
            found = next((p for p in map(_which, candidates) if p is not None), None)
            if found is None:
                self.absent_here[name] = debian
            else:
                self.link(name, found)
        self._link_alternatives()
        self._write_shims(proxy_url)
        self._write_bash_env()

    def _link_alternatives(self) -> None:
        """Names Debian gives through /etc/alternatives (which, awk, cc, pager…): allowed when
        the program they resolve to is."""
        targets = {os.path.realpath(path) for path in self.linked.values()}
        for directory in ("/usr/bin", "/usr/sbin"):
            for entry in sorted(Path(directory).iterdir()):
                if entry.name in self.linked or not entry.is_symlink():
                    continue
                if os.readlink(entry).startswith("/etc/alternatives/") and (
                    os.path.realpath(entry) in targets
                ):
                    self.link(entry.name, entry)

    def _write_shims(self, proxy_url: str | None) -> None:
        sudo = self.bin_dir / "sudo"
        sudo.write_text(
            "#!/bin/sh\n"
            "# ci-parity: the runner's passwordless sudo; the parity run is already root.\n"
            "while [ $# -gt 0 ]; do\n"
            '  case "$1" in\n'
            "    -E|-H|-n|-S|--preserve-env|--preserve-env=*) shift ;;\n"
            "    --) shift; break ;;\n"
            '    -*) echo "ci-parity: sudo option $1 is not emulated" >&2; exit 2 ;;\n'
            "    *) break ;;\n"
            "  esac\n"
            "done\n"
            'exec "$@"\n',
            encoding="utf-8",
        )
        package_root = Path(__file__).resolve().parents[3]
        args = [sys.executable, "-P", "-m", "tests.support.ci_parity.apt"]
        args += ["--sandbox", str(self.root)]
        if proxy_url:
            args += ["--proxy", proxy_url]
        apt = self.bin_dir / "apt-get"
        apt.write_text(
            "#!/bin/sh\n"
            "# ci-parity: apt-get as the runner's; installs link the packages' programs here.\n"
            f'PYTHONPATH={shlex.quote(str(package_root))} exec {shlex.join(args)} -- "$@"\n',
            encoding="utf-8",
        )
        for shim in (sudo, apt):
            shim.chmod(0o755)
        (self.bin_dir / "apt").unlink(missing_ok=True)
        (self.bin_dir / "apt").symlink_to("apt-get")

    def _write_bash_env(self) -> None:
        # BASH_ENV is read by every non-interactive bash (steps, scripts): a missing program is
        # then named, and logged for the run's summary, instead of a bare "command not found".
        self.bash_env.write_text(
            "command_not_found_handle() {\n"
            "  printf 'ci-parity: %s: not a program of the ubuntu-24.04 runner image, nor "
            'installed by an earlier step of the job\\n\' "$1" >&2\n'
            f"  printf '%s\\n' \"$1\" >> {shlex.quote(str(self.denied_log))}\n"
            "  return 127\n"
            "}\n",
            encoding="utf-8",
        )

    def denied(self) -> list[str]:
        if not self.denied_log.exists():
            return []
        return sorted(set(self.denied_log.read_text(encoding="utf-8").split()))
