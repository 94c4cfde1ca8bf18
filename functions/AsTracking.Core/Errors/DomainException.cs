namespace AsTracking.Core.Errors;

/// <summary>
/// A typed failure that one mapper in the function app turns into problem+json.
/// Messages are written for the caller and must never carry personal data.
/// </summary>
public abstract class DomainException(int status, string code, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Title { get; } = title;
}

public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors, string? detail = null)
    : DomainException(400, ErrorCodes.ValidationFailed, "The request is not valid.", detail ?? "One or more fields are not valid.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static ValidationFailedException For(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}

public sealed class UnauthenticatedException(string detail = "A valid bearer token is required.")
    : DomainException(401, ErrorCodes.Unauthenticated, "Authentication required.", detail);

public sealed class ForbiddenException(string code = ErrorCodes.Forbidden, string detail = "You do not have access to this resource.")
    : DomainException(403, code, "Forbidden.", detail);

/// <summary>Also used for ids of other schools (R5): the answer must be identical to a missing id.</summary>
public sealed class NotFoundException(string detail = "The resource does not exist.")
    : DomainException(404, ErrorCodes.NotFound, "Not found.", detail);

public sealed class ConflictException(string code = ErrorCodes.Conflict, string detail = "The request conflicts with the current state.")
    : DomainException(409, code, "Conflict.", detail);

public sealed class PayloadTooLargeException(string detail)
    : DomainException(413, ErrorCodes.PayloadTooLarge, "Payload too large.", detail);

public sealed class UnprocessableException(string code, string detail)
    : DomainException(422, code, "The request cannot be carried out.", detail);

public sealed class RateLimitedException(string detail = "Too many attempts. Try again later.")
    : DomainException(429, ErrorCodes.RateLimited, "Too many requests.", detail);
