#!/usr/bin/env bash
# Sourced by render.sh and deploy.sh: the image repository a release is pulled from.
#   IMAGE_REPOSITORY when set; else ghcr.io/<owner>/<repo> in lower case, the repository CI
#   pushes to (ci-cd.yml: ghcr.io/${GITHUB_REPOSITORY,,}), from GITHUB_REPOSITORY in a
#   workflow or from the clone's GitHub remote `origin` on a workstation.
image_repository() {
  if [[ -n "${IMAGE_REPOSITORY:-}" ]]; then
    printf '%s\n' "$IMAGE_REPOSITORY"
    return 0
  fi
  local slug=${GITHUB_REPOSITORY:-} url
  if [[ -z "$slug" ]] && url=$(git -C "$(dirname "${BASH_SOURCE[0]}")" remote get-url origin 2>/dev/null); then
    url=${url%/}
    url=${url%.git}
    if [[ "$url" =~ github\.com[:/]([^/]+/[^/]+)$ ]]; then
      slug=${BASH_REMATCH[1]}
    fi
  fi
  if [[ -z "$slug" ]]; then
    echo "no image repository: set IMAGE_REPOSITORY (e.g. ghcr.io/<owner>/<repo>), or run from a clone whose 'origin' is the GitHub repository" >&2
    return 1
  fi
  printf 'ghcr.io/%s\n' "${slug,,}"
}
