using AsTracking.DevHost.Discovery;
using AsTracking.DevHost.Hosting;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsTracking.DevHost.Queues;

/// <summary>
/// One polling pump per queue function, with the Functions host's semantics: batch receive with the message
/// hidden while it is processed, delete on success; on failure the message becomes visible again after
/// <see cref="QueueRuntimeOptions.VisibilityTimeout"/>, and once it has been dequeued
/// <see cref="QueueRuntimeOptions.MaxDequeueCount"/> times it moves to <c>{queue}-poison</c>.
/// </summary>
internal sealed class QueueTriggerService : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    private readonly FunctionCatalog _catalog;
    private readonly FunctionRuntime _runtime;
    private readonly QueueRuntimeOptions _options;
    private readonly ILogger _logger;

    public QueueTriggerService(FunctionCatalog catalog, FunctionRuntime runtime, QueueRuntimeOptions options, ILogger<QueueTriggerService> logger)
    {
        _catalog = catalog;
        _runtime = runtime;
        _options = options;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled) return Task.CompletedTask;
        var pumps = _catalog.Functions.Where(f => f.Kind == TriggerKind.Queue).Select(f => PumpAsync(f, stoppingToken)).ToList();
        return Task.WhenAll(pumps);
    }

    /// <summary>Creates the queue (and resolves its name) before the host reports ready.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Enabled)
        {
            foreach (var function in _catalog.Functions.Where(f => f.Kind == TriggerKind.Queue))
            {
                var queue = _runtime.GetQueueClient(function, _runtime.QueueName(function));
                await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task PumpAsync(FunctionDescriptor function, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var queueName = _runtime.QueueName(function);
        var queue = _runtime.GetQueueClient(function, queueName);
        var poison = _runtime.GetQueueClient(function, queueName + "-poison");
        _logger.LogInformation("Queue function {Function} listening on {Queue}", function.Name, queueName);

        var delay = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] batch;
            try
            {
                batch = (await queue.ReceiveMessagesAsync(_options.BatchSize, _options.ProcessingVisibilityTimeout, stoppingToken).ConfigureAwait(false)).Value;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                continue;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Polling {Queue} for {Function} failed; retrying", queueName, function.Name);
                batch = [];
            }

            if (batch.Length == 0)
            {
                try
                {
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxPollingInterval.Ticks));
                continue;
            }

            delay = MinPollingInterval;
            await Task.WhenAll(batch.Select(message => ProcessAsync(function, queue, poison, message, stoppingToken))).ConfigureAwait(false);
        }
    }

    private async Task ProcessAsync(FunctionDescriptor function, QueueClient queue, QueueClient poison, QueueMessage message, CancellationToken stoppingToken)
    {
        try
        {
            // A message that already used up its attempts (e.g. the process died while running it) is not run again.
            if (message.DequeueCount > _options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(function, queue, poison, message, message.PopReceipt).ConfigureAwait(false);
                return;
            }

            var renewal = new VisibilityRenewal(queue, message, _options.ProcessingVisibilityTimeout, _logger);
            Exception? failure = null;
            try
            {
                await _runtime.RunQueueFunctionAsync(function, message, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            var popReceipt = await renewal.StopAsync().ConfigureAwait(false);

            if (failure is null)
            {
                await queue.DeleteMessageAsync(message.MessageId, popReceipt, CancellationToken.None).ConfigureAwait(false);
                _logger.LogInformation("Queue function {Function} processed message {MessageId} from {Queue} (attempt {DequeueCount})",
                    function.Name, message.MessageId, queue.Name, message.DequeueCount);
            }
            else if (failure is OperationCanceledException && stoppingToken.IsCancellationRequested)
            {
                // Shutting down: make it visible again now; this attempt still counted.
                _logger.LogInformation("Queue function {Function} cancelled by shutdown for message {MessageId}", function.Name, message.MessageId);
                await queue.UpdateMessageAsync(message.MessageId, popReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            else if (message.DequeueCount >= _options.MaxDequeueCount)
            {
                _logger.LogError(failure, "Queue function {Function} failed for message {MessageId} from {Queue} (attempt {DequeueCount} of {MaxDequeueCount})",
                    function.Name, message.MessageId, queue.Name, message.DequeueCount, _options.MaxDequeueCount);
                await MoveToPoisonAsync(function, queue, poison, message, popReceipt).ConfigureAwait(false);
            }
            else
            {
                _logger.LogWarning(failure, "Queue function {Function} failed for message {MessageId} from {Queue} (attempt {DequeueCount} of {MaxDequeueCount}); retrying after {RetryDelay}",
                    function.Name, message.MessageId, queue.Name, message.DequeueCount, _options.MaxDequeueCount, _options.VisibilityTimeout);
                await queue.UpdateMessageAsync(message.MessageId, popReceipt, visibilityTimeout: _options.VisibilityTimeout, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException ex)
        {
            // E.g. the pop receipt no longer matches because the message became visible and was taken again.
            _logger.LogWarning(ex, "Queue function {Function}: could not complete message {MessageId} on {Queue} ({Status})",
                function.Name, message.MessageId, queue.Name, ex.Status);
        }
    }

    private async Task MoveToPoisonAsync(FunctionDescriptor function, QueueClient queue, QueueClient poison, QueueMessage message, string popReceipt)
    {
        await poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        await poison.SendMessageAsync(message.Body, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        await queue.DeleteMessageAsync(message.MessageId, popReceipt, CancellationToken.None).ConfigureAwait(false);
        _logger.LogError("Queue function {Function}: message {MessageId} moved to {PoisonQueue} after {DequeueCount} attempts",
            function.Name, message.MessageId, poison.Name, message.DequeueCount);
    }

    /// <summary>Keeps a message hidden while its function runs, renewing at half the visibility timeout.</summary>
    private sealed class VisibilityRenewal
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private string _popReceipt;

        public VisibilityRenewal(QueueClient queue, QueueMessage message, TimeSpan visibility, ILogger logger)
        {
            _popReceipt = message.PopReceipt;
            _loop = RenewAsync(queue, message.MessageId, visibility, logger);
        }

        private async Task RenewAsync(QueueClient queue, string messageId, TimeSpan visibility, ILogger logger)
        {
            while (true)
            {
                try
                {
                    await Task.Delay(visibility / 2, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                try
                {
                    // Not cancellable: a renewal that completes must be seen, or the pop receipt goes stale.
                    var receipt = await queue.UpdateMessageAsync(messageId, _popReceipt, visibilityTimeout: visibility, cancellationToken: CancellationToken.None).ConfigureAwait(false);
                    _popReceipt = receipt.Value.PopReceipt;
                }
                catch (RequestFailedException ex)
                {
                    logger.LogWarning(ex, "Could not renew the visibility of message {MessageId} on {Queue}", messageId, queue.Name);
                    return;
                }
            }
        }

        public async Task<string> StopAsync()
        {
            _stop.Cancel();
            await _loop.ConfigureAwait(false);
            _stop.Dispose();
            return _popReceipt;
        }
    }
}
