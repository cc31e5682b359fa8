"""The OECD principles as data, their schema, and the matcher that searches them."""

import os

# The semantic model runs its own threads; numpy's BLAS threads spinning beside them for the
# one small product per question halve its speed. This takes effect only before numpy is first
# imported, which is why it stands here, ahead of every module of the package.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
