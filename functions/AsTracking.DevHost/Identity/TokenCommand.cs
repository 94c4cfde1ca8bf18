using System.Globalization;

namespace AsTracking.DevHost.Identity;

/// <summary>
/// <c>token --oid &lt;guid&gt; [--tenant &lt;guid&gt;] [--role R]... [--scope S | --no-scope] [--minutes 60] [--name "N"] [--audience A]</c>:
/// prints only the JWT to stdout, so it can be captured with <c>$(...)</c>.
/// </summary>
internal static class TokenCommand
{
    public const string Name = "token";

    public const string Usage =
        "usage: dotnet run --project functions/AsTracking.DevHost -- token --oid <guid> [--tenant <guid>] "
        + "[--role <role>]... [--scope <scopes> | --no-scope] [--minutes <n>] [--name <display name>] [--audience <aud>]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, string? repositoryRoot = null)
    {
        DevTokenRequest request;
        try
        {
            request = Parse(args);
        }
        catch (FormatException ex)
        {
            stderr.WriteLine(ex.Message);
            stderr.WriteLine(Usage);
            return 2;
        }

        using var minter = DevTokenMinter.ForRepository(repositoryRoot);
        stdout.WriteLine(minter.Mint(request));
        return 0;
    }

    internal static DevTokenRequest Parse(IReadOnlyList<string> args)
    {
        Guid? oid = null;
        var tenant = DevDefaults.TenantA;
        var roles = new List<string>();
        string? scope = DevDefaults.Scope;
        string? name = null;
        string audience = DevDefaults.ClientId;
        var minutes = 60.0;

        for (var i = 0; i < args.Count; i++)
        {
            var option = args[i];
            string Value()
            {
                if (i + 1 >= args.Count) throw new FormatException($"Option {option} needs a value.");
                return args[++i];
            }

            switch (option)
            {
                case "--oid":
                    oid = ParseGuid(option, Value());
                    break;
                case "--tenant":
                case "--tid":
                    tenant = ParseGuid(option, Value());
                    break;
                case "--role":
                    roles.Add(Value());
                    break;
                case "--scope":
                    scope = Value();
                    break;
                case "--no-scope":
                    scope = null;
                    break;
                case "--name":
                    name = Value();
                    break;
                case "--audience":
                    audience = Value();
                    break;
                case "--minutes":
                    var text = Value();
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out minutes) || minutes <= 0)
                    {
                        throw new FormatException($"--minutes must be a positive number, not '{text}'.");
                    }
                    break;
                default:
                    throw new FormatException($"Unknown option '{option}'.");
            }
        }

        if (oid is null) throw new FormatException("--oid is required.");
        return new DevTokenRequest(oid.Value)
        {
            TenantId = tenant,
            Roles = roles,
            Scope = scope,
            Name = name,
            Audience = audience,
            Lifetime = TimeSpan.FromMinutes(minutes),
        };
    }

    private static Guid ParseGuid(string option, string value) =>
        Guid.TryParse(value, out var guid) ? guid : throw new FormatException($"{option} must be a GUID, not '{value}'.");
}
