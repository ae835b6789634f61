import RecurrentCommandLine

RecurrentCommand.main()
