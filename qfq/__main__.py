from qfq.cli import main

main()
