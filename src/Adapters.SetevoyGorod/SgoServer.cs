using System.Net;
using Connector.Abstractions.Journals;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>
/// What the accounts of every school on one SGO server share: the request pace, the resilience pipeline (a per-request
/// timeout counted from the request's turn, retries of transient failures with back-off and jitter, a circuit
/// breaker) and which variant of each uncertain read, and of the mail send, the server was found to answer.
/// </summary>
internal sealed class SgoServer
{
    /// <summary>Set on a request that must not be repeated (sending mail): a timeout there is not retried blindly.</summary>
    public static readonly ResiliencePropertyKey<bool> NoRetry = new("sgo.no-retry");

    private readonly ResiliencePipeline attemptTimeout;

    public SgoServer(Uri origin, SgoOptions options, TimeProvider network, IAdapterMemory? memory = null)
    {
        Origin = origin;
        Options = options;
        Variants = new SgoVariantMemory(memory, origin);
        Pacer = new RequestPacer(options.RequestsPerMinute, network);
        var builder = new ResiliencePipelineBuilder<SgoResponse> { TimeProvider = network };
        if (options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<SgoResponse>
            {
                ShouldHandle = args => ValueTask.FromResult(
                    !args.Context.Properties.GetValue(NoRetry, false) && IsTransient(args.Outcome)),
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromSeconds(30),
            });
        }

        Pipeline = builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<SgoResponse>
            {
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                FailureRatio = 0.5,
                MinimumThroughput = 8,
                SamplingDuration = TimeSpan.FromMinutes(1),
                BreakDuration = TimeSpan.FromMinutes(2),
            })
            .Build();

        // The time limit starts once the request has its turn: queueing behind other schools is not slowness.
        attemptTimeout = new ResiliencePipelineBuilder { TimeProvider = network }
            .AddTimeout(TimeSpan.FromSeconds(Math.Max(1, options.TimeoutSeconds)))
            .Build();
    }

    public Uri Origin { get; }

    /// <summary>The settings this server's pace and pipeline were made from (every school on it must agree on them).</summary>
    public SgoOptions Options { get; }

    /// <summary>Which variant of each uncertain read this server answers.</summary>
    public SgoVariantMemory Variants { get; }

    public RequestPacer Pacer { get; }

    public ResiliencePipeline<SgoResponse> Pipeline { get; }

    /// <summary>Sends a request through the pace and the pipeline; a transient failure that outlasts them becomes a <see cref="JournalException"/>.</summary>
    public async Task<SgoResponse> SendAsync(string school, string what, Func<CancellationToken, Task<SgoResponse>> attempt, bool retry, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(NoRetry, !retry);
        try
        {
            var outcome = await Pipeline.ExecuteOutcomeAsync(async (ctx, _) =>
            {
                try
                {
                    await Pacer.WaitAsync(ctx.CancellationToken).ConfigureAwait(false);
                    return Outcome.FromResult(await attemptTimeout.ExecuteAsync(
                        async ct => await attempt(ct).ConfigureAwait(false), ctx.CancellationToken).ConfigureAwait(false));
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutRejectedException
                    || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    return Outcome.FromException<SgoResponse>(ex);
                }
            }, context, 0).ConfigureAwait(false);

            if (outcome.Exception is { } exception)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw exception switch
                {
                    BrokenCircuitException => new JournalException(JournalFailure.Transient,
                        $"school {school}: the SGO server {Origin} failed too often; requests are paused for a while so as not to overload it", exception),
                    TimeoutRejectedException or OperationCanceledException => new JournalException(JournalFailure.Transient,
                        $"school {school}: the SGO server {Origin} did not answer {what} in time", exception),
                    _ => new JournalException(JournalFailure.Transient,
                        $"school {school}: the SGO server {Origin} could not be reached for {what}: {exception.Message}", exception),
                };
            }

            var response = outcome.Result!;
            if ((int)response.Status >= 500 || response.Status == HttpStatusCode.RequestTimeout)
            {
                throw new JournalException(JournalFailure.Transient,
                    $"school {school}: the SGO server {Origin} answered {(int)response.Status} to {what}");
            }

            return response;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static bool IsTransient(Outcome<SgoResponse> outcome) =>
        outcome.Exception is HttpRequestException or IOException or TimeoutRejectedException or OperationCanceledException
        || (outcome.Result is { } r && ((int)r.Status >= 500 || r.Status == HttpStatusCode.RequestTimeout));
}

/// <summary>One answer of the server, read whole.</summary>
internal sealed record SgoResponse(HttpStatusCode Status, string? MediaType, string Body)
{
    public bool IsJson => MediaType is { } m && m.Contains("json", StringComparison.OrdinalIgnoreCase);

    /// <summary>A page (HTML, text) rather than data: what SGO sends when the session is gone, or what a firewall sends.</summary>
    public bool IsPage => !IsJson && Body.Length > 0;

    /// <summary>The interstitial SGO sends instead of data while another session's warning is unacknowledged (SGO_API.md §5.3).</summary>
    public bool IsSecurityWarning =>
        !IsJson && Body.Length < 1000 && Body.Contains("/asp/SecurityWarning.asp", StringComparison.OrdinalIgnoreCase);
}
