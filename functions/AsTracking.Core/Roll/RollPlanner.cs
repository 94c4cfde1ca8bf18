using AsTracking.Core.Pupils;
using AsTracking.Core.Retention;

namespace AsTracking.Core.Roll;

/// <summary>
/// Works out what a roll upload changes against the current roll. Pupils are matched by UPN. In replace mode,
/// on-roll pupils missing from the upload become leavers (leftOn = today); incoming transfers are never touched.
/// </summary>
public static class RollPlanner
{
    public static RollChangeSet Plan(string schoolId, IReadOnlyList<Pupil> current, IReadOnlyList<RollRow> rows,
        IReadOnlyList<RollRejection> rejected, RollMode mode, DateOnly today, string importId, string contentHash,
        Func<string> newPupilId)
    {
        var byUpn = new Dictionary<string, Pupil>(StringComparer.Ordinal);
        foreach (var p in current) byUpn[p.Identity.Upn] = p;

        var added = new List<Pupil>();
        var updated = new List<Pupil>();
        var left = new List<Pupil>();
        var due = new List<DueItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int unchanged = 0;

        foreach (var row in rows)
        {
            var identity = new PupilIdentity(row.Upn, row.GivenName, row.FamilyName, row.DateOfBirth);
            if (byUpn.TryGetValue(row.Upn, out var existing))
            {
                seen.Add(existing.PupilId);
                var next = existing with
                {
                    Identity = identity,
                    YearGroup = row.YearGroup,
                    TutorGroup = row.TutorGroup,
                    House = row.House,
                    Status = PupilStatus.OnRoll,
                    LeftOn = null,
                    JoinedOn = existing.Status == PupilStatus.OnRoll ? existing.JoinedOn : today,
                };
                if (next == existing)
                {
                    unchanged++;
                    continue;
                }
                updated.Add(next);
                AddYear13Handover(next, today, due);
            }
            else
            {
                var pupil = new Pupil(schoolId, newPupilId(), identity, row.YearGroup, row.TutorGroup, row.House,
                    PupilStatus.OnRoll, today, null, false);
                added.Add(pupil);
                AddYear13Handover(pupil, today, due);
            }
        }

        if (mode == RollMode.Replace)
        {
            foreach (var p in current)
            {
                if (p.Status != PupilStatus.OnRoll || seen.Contains(p.PupilId)) continue;
                var leaver = p with { Status = PupilStatus.Left, LeftOn = today };
                left.Add(leaver);
                due.Add(new DueItem(DueRules.LeaverAnonymise, today.AddMonths(12), schoolId, p.PupilId));
                // R16: a Year 13 leaver, or a leaver aged 18 or over from any year, is handed over now.
                if (p.YearGroup == 13 || RollRowValidator.AgeOn(p.Identity.DateOfBirth, today) >= DueRules.HandoverAge)
                {
                    due.Add(new DueItem(DueRules.Handover, today, schoolId, p.PupilId));
                }
            }
        }

        var result = new RollResult(added.Count, updated.Count, unchanged, left.Count, rejected);
        return new RollChangeSet(schoolId, importId, contentHash, added, updated, left, due, result);
    }

    // R16: a Year 13 pupil still on roll is handed over on 1 September after their Year 13 year.
    private static void AddYear13Handover(Pupil pupil, DateOnly today, List<DueItem> due)
    {
        if (pupil.YearGroup == 13)
        {
            due.Add(new DueItem(DueRules.Handover, DueRules.NextFirstOfSeptember(today), pupil.SchoolId, pupil.PupilId));
        }
    }
}
