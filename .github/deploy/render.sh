#!/usr/bin/env bash
# Render the manifests of one environment for one image, on stdout:
#   render.sh ENV TAG app       the overlay (everything deploy.sh applies with kubectl apply)
#   render.sh ENV TAG migrate   the migration Job of that release (applied separately)
# The image: IMAGE_REPOSITORY, default ghcr.io/<owner>/<repo> (image-repository.sh: what CI
# pushes to). Used by deploy.sh and bin/deploy-check, so what is checked is what is applied.
set -euo pipefail

# The image name in base/kustomization.yaml, which this render replaces.
readonly BASE_IMAGE=ghcr.io/nexus-reussite/nexus-backend
deploy_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/image-repository.sh
source "$deploy_dir/image-repository.sh"

if [[ $# -ne 3 ]]; then
  echo "usage: $(basename "$0") staging|production TAG app|migrate" >&2
  exit 2
fi
env_name=$1 tag=$2 what=$3
case "$env_name" in
  staging | production) ;;
  *) echo "render.sh: unknown environment '$env_name' (staging or production)" >&2; exit 2 ;;
esac
# The character set of an OCI image tag.
if [[ ! "$tag" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
  echo "render.sh: '$tag' is not a valid image tag" >&2
  exit 2
fi
repository=$(image_repository) || exit 2

work=$(mktemp -d "${TMPDIR:-/tmp}/nexus-render.XXXXXX")
trap 'rm -rf "$work"' EXIT
# kustomize refuses absolute paths and files outside a kustomization's root: work on a copy.
cp -R "$deploy_dir/base" "$deploy_dir/overlays" "$deploy_dir/components" "$work/"
mkdir "$work/release"
# The migration Job is rendered apart from the overlay: it gets the overlay's image pull
# secret component when the overlay enables it.
components=""
if grep -Eq '^[[:space:]]*-[[:space:]]*\.\./\.\./components/image-pull-secret[[:space:]]*$' \
  "$work/overlays/$env_name/kustomization.yaml"; then
  components=$'components:\n  - ../components/image-pull-secret'
fi

case "$what" in
  app)
    cat >"$work/release/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../overlays/$env_name
images:
  - name: $BASE_IMAGE
    newName: $repository
    newTag: "$tag"
YAML
    ;;
  migrate)
    cp "$work/base/migrate-job.yaml" "$work/release/"
    cat >"$work/release/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: nexus-$env_name
resources:
  - migrate-job.yaml
$components
labels:
  - pairs:
      app.kubernetes.io/part-of: nexus-reussite
      app.kubernetes.io/managed-by: kustomize
      environment: $env_name
    includeSelectors: false
    includeTemplates: true
images:
  - name: nexus-backend
    newName: $repository
    newTag: "$tag"
YAML
    ;;
  *)
    echo "render.sh: unknown target '$what' (app or migrate)" >&2
    exit 2
    ;;
esac

kubectl kustomize "$work/release"
