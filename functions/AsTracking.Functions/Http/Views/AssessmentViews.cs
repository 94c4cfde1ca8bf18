using AsTracking.Core.Assessments;
using AsTracking.Core.Scoring;
using AsTracking.Core.UseCases;

namespace AsTracking.Functions.Http.Views;

public sealed record SessionCodeView(string PupilId, string Code);

public sealed record SessionSkipView(string PupilId, string Reason);

public sealed record SessionView(string SessionId, string AcademicYear, int Round, DateTimeOffset ClosesAt,
    IReadOnlyList<SessionCodeView> Codes, IReadOnlyList<SessionSkipView> Skipped)
{
    public static SessionView From(OpenedSession s) => new(s.Session.SessionId, s.Session.Round.AcademicYear, s.Session.Round.Round, s.Session.ClosesAt,
        s.Codes.Select(c => new SessionCodeView(c.PupilId, c.Code)).ToList(),
        s.Skipped.Select(k => new SessionSkipView(k.PupilId, k.Reason switch
        {
            SkipReason.OptedOut => "opted-out",
            SkipReason.AlreadyAssessed => "already-assessed",
            _ => "not-on-roll",
        })).ToList());
}

public sealed record SubmissionView(string SubmissionId, string Status);

public sealed record FlagView(string Type, string? Factor, string? Context, string? Direction, int Severity)
{
    public static FlagView From(Flag f) => new(f.Type.ToName(), f.Factor?.ToName(), f.Context?.ToName(),
        f.Direction == PolarDirection.None ? null : f.Direction.ToName(), f.Severity);
}

/// <summary>Scores and bands keyed by factor name, as the contract spells them.</summary>
public sealed record ContextView(IReadOnlyDictionary<string, double> Scores, IReadOnlyDictionary<string, string> Bands)
{
    public static ContextView From(ContextResult c) => new(
        Factors().ToDictionary(f => f.ToName(), f => c[f].Score),
        Factors().ToDictionary(f => f.ToName(), f => c[f].Band.ToName()));

    internal static Factor[] Factors() => ScoringNames.Factors.ToArray();
}

public sealed record RoundView(string AcademicYear, int Round, DateTimeOffset ScoredAt, string ModelVersion,
    IReadOnlyDictionary<string, ContextView> Contexts, IReadOnlyList<FlagView> Flags, int SummedSeverity, string Priority)
{
    public static RoundView From(AssessmentResult r) => new(r.Round.AcademicYear, r.Round.Round, r.ScoredAt, r.ModelVersion,
        new Dictionary<string, ContextView>
        {
            [AssessmentContext.OutOfSchool.ToName()] = ContextView.From(r.Scoring.OutOfSchool),
            [AssessmentContext.InSchool.ToName()] = ContextView.From(r.Scoring.InSchool),
        },
        r.Scoring.Flags.Select(FlagView.From).ToList(), r.Scoring.SummedSeverity, r.Scoring.Priority.ToName());
}

public sealed record ReportPupilView(string PupilId, string GivenName, string FamilyName, int YearGroup, string? TutorGroup);

public sealed record PupilReportView(ReportPupilView Pupil, string Advisory, string ModelVersion, IReadOnlyList<RoundView> Rounds)
{
    public static PupilReportView From(PupilReport r) => new(
        new ReportPupilView(r.Pupil.PupilId, r.Pupil.Identity.GivenName, r.Pupil.Identity.FamilyName, r.Pupil.YearGroup, r.Pupil.TutorGroup),
        ReportService.Advisory, r.ModelVersion, r.Rounds.Select(RoundView.From).ToList());
}

public sealed record PolarCountView(int Low, int High);

public sealed record CohortView(string Advisory, string ModelVersion, string AcademicYear, int Round, int Assessed,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Means,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, PolarCountView>> Polar,
    IReadOnlyDictionary<string, int> Flags, IReadOnlyDictionary<string, int> Priority)
{
    public static CohortView From(CohortReport r)
    {
        var s = r.Summary;
        var contexts = ScoringNames.Contexts.ToArray();
        return new CohortView(ReportService.Advisory, r.ModelVersion, r.Round.AcademicYear, r.Round.Round, s.Assessed,
            contexts.ToDictionary(c => c.ToName(), c => (IReadOnlyDictionary<string, double>)ContextView.Factors().ToDictionary(f => f.ToName(), f => s.Mean(c, f))),
            contexts.ToDictionary(c => c.ToName(), c => (IReadOnlyDictionary<string, PolarCountView>)ContextView.Factors().ToDictionary(f => f.ToName(),
                f => new PolarCountView(s.Polar(c, f, PolarDirection.Low), s.Polar(c, f, PolarDirection.High)))),
            Enum.GetValues<FlagType>().ToDictionary(t => t.ToName(), t => s.Flags.GetValueOrDefault(t.ToName())),
            Enum.GetValues<PriorityLevel>().ToDictionary(p => p.ToName(), p => s.Priority.GetValueOrDefault(p.ToName())));
    }
}

public sealed record PriorityPupilView(string PupilId, string GivenName, string FamilyName, int YearGroup, string? TutorGroup,
    string Priority, int SummedSeverity, IReadOnlyList<FlagView> Flags);

public sealed record PriorityView(string Advisory, string ModelVersion, string AcademicYear, int Round, IReadOnlyList<PriorityPupilView> Pupils)
{
    public static PriorityView From(PriorityReport r) => new(ReportService.Advisory, r.ModelVersion, r.Round.AcademicYear, r.Round.Round,
        r.Pupils.Select(e => new PriorityPupilView(e.Pupil.PupilId, e.Pupil.Identity.GivenName, e.Pupil.Identity.FamilyName, e.Pupil.YearGroup,
            e.Pupil.TutorGroup, e.Result.Scoring.Priority.ToName(), e.Result.Scoring.SummedSeverity,
            e.Result.Scoring.Flags.Select(FlagView.From).ToList())).ToList());
}

public sealed record NotificationView(string NotificationId, string Kind, DateTimeOffset CreatedAt, string? PupilId, string? Priority,
    string? AcademicYear, int? Round, string? TransferId)
{
    public static NotificationView From(Notification n) => new(n.NotificationId, n.Kind, n.CreatedAt, n.PupilId, n.Priority, n.AcademicYear, n.Round, n.TransferId);
}
