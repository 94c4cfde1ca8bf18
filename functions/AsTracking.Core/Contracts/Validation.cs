using AsTracking.Core.Errors;

namespace AsTracking.Core.Contracts;

/// <summary>Collects per-field errors and throws one 400 with all of them.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public T? Required<T>(T? value, string field) where T : struct
    {
        if (value is null) Add(field, $"{field} is required.");
        return value;
    }

    public string? Text(string? value, string field, int maxLength, bool required = true)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            if (required) Add(field, $"{field} is required.");
            return null;
        }
        if (trimmed.Length > maxLength) Add(field, $"{field} must be at most {maxLength} characters.");
        else if (trimmed.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t')) Add(field, $"{field} contains control characters.");
        return trimmed;
    }

    public void NotInFuture(DateOnly? value, DateOnly today, string field)
    {
        if (value is { } v && v > today) Add(field, $"{field} cannot be in the future.");
    }

    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new ValidationFailedException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}
