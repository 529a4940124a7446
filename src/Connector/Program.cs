using Connector.Cli;

return await RussianCommandLine.InvokeAsync(ConnectorCommandLine.Build(), args).ConfigureAwait(false);
