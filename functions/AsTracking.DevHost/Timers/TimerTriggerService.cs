using System.Globalization;
using AsTracking.DevHost.Discovery;
using AsTracking.DevHost.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AsTracking.DevHost.Timers;

/// <summary>Runs each timer function on its schedule (NCRONTAB in UTC, or a TimeSpan interval).</summary>
internal sealed class TimerTriggerService : BackgroundService
{
    public const string EnabledKey = "DevHost:Timers:Enabled";

    private readonly FunctionCatalog _catalog;
    private readonly FunctionRuntime _runtime;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _enabled;
    private readonly Dictionary<string, TimerSchedule> _schedules;

    public TimerTriggerService(FunctionCatalog catalog, FunctionRuntime runtime, IConfiguration configuration, TimeProvider time, ILogger<TimerTriggerService> logger)
    {
        _catalog = catalog;
        _runtime = runtime;
        _time = time;
        _logger = logger;
        _enabled = configuration.GetValue(EnabledKey, true);
        // Parse every schedule now, so a bad one fails startup rather than a background loop.
        _schedules = catalog.Functions.Where(f => f.Kind == TriggerKind.Timer)
            .ToDictionary(f => f.Name, f => TimerSchedule.Parse(f, runtime.Resolve(f.Schedule!)), StringComparer.OrdinalIgnoreCase);
    }

    public TimerSchedule ScheduleOf(FunctionDescriptor function) => _schedules[function.Name];

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled) return Task.CompletedTask;
        return Task.WhenAll(_catalog.Functions.Where(f => f.Kind == TriggerKind.Timer).Select(f => RunScheduleAsync(f, stoppingToken)));
    }

    private async Task RunScheduleAsync(FunctionDescriptor function, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var schedule = _schedules[function.Name];
        var last = DateTime.MinValue;
        if (function.RunOnStartup)
        {
            await InvokeAsync(function, schedule, last, _time.GetUtcNow().UtcDateTime, isPastDue: false, stoppingToken).ConfigureAwait(false);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow().UtcDateTime;
            var due = schedule.Next(now);
            if (due is null)
            {
                _logger.LogWarning("Timer function {Function}: schedule {Schedule} has no further occurrence", function.Name, schedule.Text);
                return;
            }
            _logger.LogInformation("Timer function {Function} next runs at {Due:O} ({Schedule})", function.Name, due.Value, schedule.Text);
            try
            {
                // Task.Delay cannot wait more than ~49 days at once, and the clock may jump: wait in steps.
                for (var wait = due.Value - _time.GetUtcNow().UtcDateTime; wait > TimeSpan.Zero; wait = due.Value - _time.GetUtcNow().UtcDateTime)
                {
                    await Task.Delay(wait < TimeSpan.FromHours(1) ? wait : TimeSpan.FromHours(1), _time, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var isPastDue = _time.GetUtcNow().UtcDateTime - due.Value > TimeSpan.FromSeconds(5);
            await InvokeAsync(function, schedule, last, due.Value, isPastDue, stoppingToken).ConfigureAwait(false);
            last = due.Value;
        }
    }

    private async Task InvokeAsync(FunctionDescriptor function, TimerSchedule schedule, DateTime last, DateTime occurrence, bool isPastDue, CancellationToken stoppingToken)
    {
        var info = CreateTimerInfo(schedule, last, occurrence, isPastDue, _time);
        try
        {
            await _runtime.RunTimerFunctionAsync(function, info, stoppingToken).ConfigureAwait(false);
            _logger.LogInformation("Timer function {Function} completed", function.Name);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _logger.LogInformation("Timer function {Function} cancelled by shutdown", function.Name);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Timer function {Function} failed", function.Name);
        }
    }

    internal static TimerInfo CreateTimerInfo(TimerSchedule schedule, DateTime last, DateTime occurrence, bool isPastDue, TimeProvider time) => new()
    {
        IsPastDue = isPastDue,
        ScheduleStatus = new ScheduleStatus
        {
            Last = last,
            Next = schedule.Next(occurrence) ?? DateTime.MaxValue,
            LastUpdated = time.GetUtcNow().UtcDateTime,
        },
    };
}

/// <summary>A timer schedule: an NCRONTAB expression or, as the host also allows, a TimeSpan interval.</summary>
internal sealed class TimerSchedule
{
    private readonly CronSchedule? _cron;
    private readonly TimeSpan _interval;

    private TimerSchedule(string text, CronSchedule? cron, TimeSpan interval)
    {
        Text = text;
        _cron = cron;
        _interval = interval;
    }

    public string Text { get; }

    public DateTime? Next(DateTime afterUtc) => _cron is not null ? _cron.GetNextOccurrence(afterUtc) : afterUtc + _interval;

    public static TimerSchedule Parse(FunctionDescriptor function, string text)
    {
        if (!text.Contains(' ', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var interval))
        {
            return interval > TimeSpan.Zero
                ? new TimerSchedule(text, null, interval)
                : throw new InvalidOperationException($"Timer function '{function.Name}': interval '{text}' must be positive.");
        }
        return CronSchedule.TryParse(text, out var cron, out var error)
            ? new TimerSchedule(text, cron, TimeSpan.Zero)
            : throw new InvalidOperationException($"Timer function '{function.Name}': {error}");
    }
}
