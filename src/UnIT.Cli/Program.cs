return UnIT.Cli.CliApp.Run(args, Console.Out, Console.Error);
