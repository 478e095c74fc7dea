"""`make image-check`: the image built here, run under the rendered pod contract."""
