# The image, built and run here (docs/ci-cd.md, "image-check"): logic in bin/image-check,
# bin/image-standin and tests/image/. Slow (minutes): run by .ci/run, not by `make test`.
.PHONY: image-check

image-check: install ## Build the Dockerfile on a local stand-in base and run it under the rendered production pod contract (starts dockerd if needed)
	VENV=$(VENV) bin/image-check
