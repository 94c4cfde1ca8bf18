using AsTracking.Core.Access;
using AsTracking.Core.Audit;
using AsTracking.Core.Consent;
using AsTracking.Core.Contracts;
using AsTracking.Core.Errors;
using AsTracking.Core.Ports;
using AsTracking.Core.Retention;

namespace AsTracking.Core.UseCases;

/// <summary>Opt-out and opt-in (R9), kept as append-only history.</summary>
public sealed class ConsentService(IConsentStore consent, IRollStore roll, IDueIndex due, IResultStore results, AccessService access, IAuditTrail audit, TimeProvider clock)
{
    public const int MaxNoteLength = 2000;
    private const int MaxAttempts = 5;

    public async Task<ConsentState> RecordAsync(Caller caller, string schoolId, string pupilId, ConsentRequest? body, CancellationToken ct)
    {
        var grant = await access.AuthorizeAsync(caller, schoolId, Capability.RecordConsent, ct).ConfigureAwait(false);
        Ids.RequireOpaqueId(pupilId, IdKinds.Pupil);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);

        var v = new Validation();
        if (body is null) v.Add("body", "A JSON body is required.").ThrowIfInvalid();
        var decision = v.Required(body!.Decision, "decision");
        var requestedBy = v.Required(body.RequestedBy, "requestedBy");
        var receivedOn = v.Required(body.ReceivedOn, "receivedOn");
        v.NotInFuture(receivedOn, today, "receivedOn");
        var note = v.Text(body.Note, "note", MaxNoteLength, required: false);
        var erase = body.Erase ?? false;
        if (erase && decision == ConsentDecision.OptIn) v.Add("erase", "erase can only accompany an opt-out.");
        v.ThrowIfInvalid();

        _ = await roll.GetStateAsync(grant.SchoolId, pupilId, ct).ConfigureAwait(false) ?? throw new NotFoundException();

        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var history = await consent.HistoryAsync(grant.SchoolId, pupilId, ct).ConfigureAwait(false);
            var entry = new ConsentEvent(history.Count + 1, decision!.Value, requestedBy!.Value, receivedOn!.Value, note, erase, caller.Actor, now);
            if (history.Count > 0 && history[^1].SameRequestAs(entry))
            {
                // A retry of the request just recorded: answer it again without a second history entry, and finish
                // the cohort adjustment in case the first attempt stopped before it.
                var state = State(pupilId, history);
                await results.SetCountedAsync(grant.SchoolId, pupilId, !state.OptedOut, ct).ConfigureAwait(false);
                return state;
            }
            if (erase)
            {
                // Indexed before the state changes so a crash cannot leave an erasure request the sweep never sees.
                await due.AddAsync(new DueItem(DueRules.Erasure, today, grant.SchoolId, pupilId), ct).ConfigureAwait(false);
            }
            var optedOut = entry.Decision == ConsentDecision.OptOut;
            var erasure = optedOut && (erase || (history.Count > 0 && State(pupilId, history).ErasureRequested));
            if (await consent.AppendAsync(grant.SchoolId, pupilId, entry, optedOut, erasure, ct).ConfigureAwait(false))
            {
                // R9: an opted-out pupil's data leaves every cohort figure; opting in again restores it.
                await results.SetCountedAsync(grant.SchoolId, pupilId, !optedOut, ct).ConfigureAwait(false);
                await audit.AppendAsync(new AuditRecord(grant.SchoolId, caller.Actor,
                    optedOut ? (erase ? "consent.opt-out.erase" : "consent.opt-out") : "consent.opt-in", pupilId, "success"), ct).ConfigureAwait(false);
                return State(pupilId, [.. history, entry]);
            }
        }
        throw new ConflictException(detail: "The consent record changed concurrently; try again.");
    }

    public async Task<ConsentState> HistoryAsync(Caller caller, string schoolId, string pupilId, CancellationToken ct)
    {
        var grant = await access.AuthorizeAsync(caller, schoolId, Capability.ReadConsent, ct).ConfigureAwait(false);
        Ids.RequireOpaqueId(pupilId, IdKinds.Pupil);
        _ = await roll.GetStateAsync(grant.SchoolId, pupilId, ct).ConfigureAwait(false) ?? throw new NotFoundException();
        var history = await consent.HistoryAsync(grant.SchoolId, pupilId, ct).ConfigureAwait(false);
        await audit.AppendAsync(new AuditRecord(grant.SchoolId, caller.Actor, "consent.read", pupilId, "success"), ct).ConfigureAwait(false);
        return State(pupilId, history);
    }

    /// <summary>The current state is the last decision; an erasure request stands until an opt-in withdraws it.</summary>
    public static ConsentState State(string pupilId, IReadOnlyList<ConsentEvent> history)
    {
        bool optedOut = false, erase = false;
        foreach (var e in history)
        {
            optedOut = e.Decision == ConsentDecision.OptOut;
            erase = optedOut && (erase || e.Erase);
        }
        return new ConsentState(pupilId, optedOut, erase, history);
    }
}
