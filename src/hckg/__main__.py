from hckg.cli import main

main()
