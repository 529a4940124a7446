using Connector.Cli;

return await ConnectorCommandLine.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
