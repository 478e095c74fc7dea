"""Runner parity: a workflow job run on this machine the way a GitHub-hosted runner runs it.

``make ci-parity`` (bin/ci-parity) runs every matrix entry of the ``test`` job of
.github/workflows/ci-cd.yml, read from the YAML: services stood up as declared in a network
namespace of the run's own, the steps' PATH limited to the runner image's programs
(ubuntu-24.04.toml) and what the job installs. docs/ci-cd.md, "Runner parity", says what is
emulated and what still differs.
"""
