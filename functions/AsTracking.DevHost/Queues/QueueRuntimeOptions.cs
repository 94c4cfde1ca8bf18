namespace AsTracking.DevHost.Queues;

/// <summary>
/// Queue trigger settings: <c>extensions.queues</c> of host.json, overridden by configuration <c>DevHost:Queues:*</c>.
/// Defaults are the Functions host's.
/// </summary>
public sealed class QueueRuntimeOptions
{
    public const string SectionName = "DevHost:Queues";

    /// <summary>Run the queue pumps at all. Admin invocations work either way.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>After this many failed attempts a message moves to <c>{queue}-poison</c>.</summary>
    public int MaxDequeueCount { get; set; } = 5;
    /// <summary>The retry delay: how long a failed message stays invisible before its next attempt.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;
    /// <summary>The longest wait between polls of an empty queue (polling backs off from 100 ms up to this).</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>Messages fetched and run in parallel per poll (1-32).</summary>
    public int BatchSize { get; set; } = 16;
    /// <summary>How long a message is hidden while a function processes it; renewed at half time.</summary>
    public TimeSpan ProcessingVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary><c>base64</c> (the host's default) or <c>none</c>.</summary>
    public string MessageEncoding { get; set; } = "base64";

    internal void Validate()
    {
        if (MaxDequeueCount < 1) throw new InvalidOperationException($"{SectionName}:MaxDequeueCount must be at least 1.");
        if (BatchSize is < 1 or > 32) throw new InvalidOperationException($"{SectionName}:BatchSize must be 1-32.");
        if (VisibilityTimeout < TimeSpan.Zero) throw new InvalidOperationException($"{SectionName}:VisibilityTimeout must not be negative.");
        if (MaxPollingInterval <= TimeSpan.Zero) throw new InvalidOperationException($"{SectionName}:MaxPollingInterval must be positive.");
        if (ProcessingVisibilityTimeout < TimeSpan.FromSeconds(2)) throw new InvalidOperationException($"{SectionName}:ProcessingVisibilityTimeout must be at least 2 seconds.");
        if (!string.Equals(MessageEncoding, "base64", StringComparison.OrdinalIgnoreCase) && !string.Equals(MessageEncoding, "none", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{SectionName}:MessageEncoding must be 'base64' or 'none'.");
        }
    }
}
