import sys

if sys.argv[1:2] == ["batch"]:
    from grader.batch import main
    sys.exit(main(sys.argv[2:]))
if sys.argv[1:2] == ["bench"]:
    from grader.bench import main
    sys.exit(main(sys.argv[2:]))

from grader.cli import main

sys.exit(main())
