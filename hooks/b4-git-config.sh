#!/bin/sh
# Configure b4 to run kconsist on each patch, in the kernel tree's git config.
# Keep b4's default checkpatch too by adding it with --add, e.g.
#   git config --add b4.prep-perpatch-check-cmd "./scripts/checkpatch.pl -q --terse --no-summary --mailback --showfile"
set -e
git config --add b4.prep-perpatch-check-cmd "kconsist check-patch"
git config --add b4.am-perpatch-check-cmd "kconsist check-patch"
git config --add b4.review-series-check-cmd "kconsist series --format b4-review"
