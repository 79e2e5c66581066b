"""What ``python -m pipeline build`` exits with (README.md, "Exit codes"), for schedulers and scripts."""

PUBLISHED = 0  # every file in raw/ was loaded and the warehouse published
PUBLISHED_WITH_PROBLEMS = 1  # published, but a file was refused, a row quarantined or the report or export failed
NOT_PUBLISHED = 2  # nothing was published: the warehouse is as it was
BUSY = 75  # another build of the warehouse is running and --no-wait was given (EX_TEMPFAIL: try again later)
