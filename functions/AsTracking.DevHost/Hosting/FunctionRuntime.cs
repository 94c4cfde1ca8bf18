using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using AsTracking.DevHost.Discovery;
using AsTracking.DevHost.Queues;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsTracking.DevHost.Hosting;

/// <summary>The discovered functions, by name (case-insensitive, like the host).</summary>
internal sealed class FunctionCatalog
{
    private readonly Dictionary<string, FunctionDescriptor> _byName;

    public FunctionCatalog(IReadOnlyList<FunctionDescriptor> functions)
    {
        Functions = functions;
        _byName = functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    public FunctionDescriptor? Find(string name) => _byName.GetValueOrDefault(name);
}

/// <summary>
/// Runs queue and timer functions: resolves <c>%setting%</c> names, creates queue clients for the configured
/// connection, binds trigger values and invokes each call in a fresh DI scope.
/// </summary>
internal sealed partial class FunctionRuntime
{
    internal static readonly JsonSerializerOptions MessageJson = new(JsonSerializerDefaults.Web);

    private readonly IServiceScopeFactory _scopes;
    private readonly IConfiguration _configuration;
    private readonly QueueRuntimeOptions _queueOptions;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, FunctionInvoker> _invokers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _timerLocks = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, QueueServiceClient> _queueServices = new(StringComparer.Ordinal);

    public FunctionRuntime(IServiceScopeFactory scopes, IConfiguration configuration, QueueRuntimeOptions queueOptions, ILogger<FunctionRuntime> logger)
    {
        _scopes = scopes;
        _configuration = configuration;
        _queueOptions = queueOptions;
        _logger = logger;
    }

    /// <summary>Replaces <c>%name%</c> with configuration values, as the host does for binding expressions.</summary>
    public string Resolve(string value) => SettingPattern().Replace(value, match =>
    {
        var key = match.Groups[1].Value;
        var resolved = _configuration[key];
        return string.IsNullOrEmpty(resolved)
            ? throw new InvalidOperationException($"Setting '{key}' used in '{value}' is not configured.")
            : resolved;
    });

    public string QueueName(FunctionDescriptor function) => Resolve(function.QueueName!).ToLowerInvariant();

    public QueueClient GetQueueClient(FunctionDescriptor function, string queueName)
    {
        var settingName = function.Connection ?? "AzureWebJobsStorage";
        var connectionString = _configuration[settingName];
        if (string.IsNullOrWhiteSpace(connectionString) && function.Connection is not null)
        {
            connectionString = _configuration["AzureWebJobs" + settingName];
        }
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"Function '{function.Name}': connection setting '{settingName}' has no storage connection string.");
        }
        var service = _queueServices.GetOrAdd(connectionString, cs =>
        {
            var options = new QueueClientOptions
            {
                MessageEncoding = string.Equals(_queueOptions.MessageEncoding, "none", StringComparison.OrdinalIgnoreCase)
                    ? QueueMessageEncoding.None
                    : QueueMessageEncoding.Base64,
            };
            var raw = new QueueServiceClient(cs);
            options.MessageDecodingFailed += args => MoveUndecodableToPoisonAsync(raw, args);
            return new QueueServiceClient(cs, options);
        });
        return service.GetQueueClient(queueName);
    }

    /// <summary>
    /// A message that is not valid Base64 can never bind: like the host, move it (as received) to the poison queue
    /// instead of letting it block the pump.
    /// </summary>
    private async Task MoveUndecodableToPoisonAsync(QueueServiceClient raw, QueueMessageDecodingFailedEventArgs args)
    {
        if (args.ReceivedMessage is not { } message) return;
        var poison = raw.GetQueueClient(args.Queue.Name + "-poison");
        try
        {
            await poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            await poison.SendMessageAsync(message.Body, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            await args.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None).ConfigureAwait(false);
            _logger.LogError("Message {MessageId} on {Queue} is not valid {Encoding}; moved to {PoisonQueue}",
                message.MessageId, args.Queue.Name, _queueOptions.MessageEncoding, poison.Name);
        }
        catch (RequestFailedException ex)
        {
            _logger.LogWarning(ex, "Could not move undecodable message {MessageId} on {Queue} to {PoisonQueue}", message.MessageId, args.Queue.Name, poison.Name);
        }
    }

    /// <summary>Invokes a queue function for one message; exceptions propagate (the caller decides retry or poison).</summary>
    public async Task RunQueueFunctionAsync(FunctionDescriptor function, QueueMessage message, CancellationToken cancellationToken)
    {
        var invoker = Invoker(function);
        await using var scope = _scopes.CreateAsyncScope();
        await invoker.InvokeAsync(scope.ServiceProvider, parameter =>
            parameter == function.TriggerParameter ? BindMessage(function, parameter.ParameterType, message) : cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Invokes a timer function; calls of one timer never overlap (the host runs timers as singletons).</summary>
    public async Task RunTimerFunctionAsync(FunctionDescriptor function, TimerInfo timerInfo, CancellationToken cancellationToken)
    {
        var invoker = Invoker(function);
        var gate = _timerLocks.GetOrAdd(function.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            await invoker.InvokeAsync(scope.ServiceProvider, parameter =>
                parameter == function.TriggerParameter ? timerInfo : cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private FunctionInvoker Invoker(FunctionDescriptor function) => _invokers.GetOrAdd(function.Name, _ => new FunctionInvoker(function));

    internal static object? BindMessage(FunctionDescriptor function, Type type, QueueMessage message)
    {
        if (type == typeof(QueueMessage)) return message;
        if (type == typeof(BinaryData)) return message.Body;
        if (type == typeof(string)) return message.Body.ToString();
        if (type == typeof(byte[])) return message.Body.ToArray();
        try
        {
            return JsonSerializer.Deserialize(message.Body.ToMemory().Span, type, MessageJson)
                ?? throw new InvalidOperationException($"Function '{function.Name}': the queue message is JSON null, not a {type.Name}.");
        }
        catch (JsonException ex)
        {
            // The message body is deliberately not included: it may hold personal data.
            throw new InvalidOperationException(
                $"Function '{function.Name}': the queue message is not valid JSON for {type.Name} ({ex.Path}, line {ex.LineNumber}).", ex);
        }
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingPattern();
}
