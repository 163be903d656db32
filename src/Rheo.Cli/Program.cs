using Rheo.Cli;

return await RheoCommand.InvokeAsync(args, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);
