namespace AsTracking.Core.Errors;

/// <summary>Stable problem+json codes of the HTTP contract.</summary>
public static class ErrorCodes
{
    public const string ValidationFailed = "validation-failed";
    public const string Unauthenticated = "unauthenticated";
    public const string Forbidden = "forbidden";
    public const string TrainingRequired = "training-required";
    public const string CodeInvalid = "code-invalid";
    public const string SchoolSuspended = "school-suspended";
    public const string NotFound = "not-found";
    public const string PupilOptedOut = "pupil-opted-out";
    public const string CodeUsed = "code-used";
    public const string Conflict = "conflict";
    public const string PayloadTooLarge = "payload-too-large";
    public const string DestinationNotUserSchool = "destination-not-user-school";
    public const string DestinationNotConfirmed = "destination-not-confirmed";
    public const string PlaceNotAccepted = "place-not-accepted";
    public const string PupilNotOnRoll = "pupil-not-on-roll";
    public const string RateLimited = "rate-limited";
}
