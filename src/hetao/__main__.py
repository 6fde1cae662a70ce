from hetao.cli import main

main()
