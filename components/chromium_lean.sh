#!/bin/sh
# The Chromium kaleido renders chart images with, in one process instead of a browser, a GPU process, a
# renderer, a network service and zygotes: a hosted app's memory is what all of them hold at once (measured:
# about 430 MB instead of 1,060 MB while a ZIP of charts is rendered). components/export.py passes this
# script as the browser path on Linux, with the Chromium it found in PARLEY_CHROMIUM.
exec "${PARLEY_CHROMIUM:-chromium}" --single-process --no-zygote --renderer-process-limit=1 "$@"
