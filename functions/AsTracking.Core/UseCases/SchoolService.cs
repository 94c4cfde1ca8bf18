using System.Text.RegularExpressions;
using AsTracking.Core.Access;
using AsTracking.Core.Audit;
using AsTracking.Core.Contracts;
using AsTracking.Core.Errors;
using AsTracking.Core.Ports;
using AsTracking.Core.Schools;

namespace AsTracking.Core.UseCases;

/// <summary>User schools (R1): registered and updated by platform admins, read by their own staff.</summary>
public sealed partial class SchoolService(ISchoolStore schools, AccessService access, IAuditTrail audit, TimeProvider clock)
{
    [GeneratedRegex(@"^\d{3}/?\d{4}$", RegexOptions.CultureInvariant)]
    private static partial Regex DfeNumberPattern();

    public async Task<(School School, bool Created)> PutAsync(Caller caller, string schoolId, SchoolRequest? body, CancellationToken ct)
    {
        Ids.RequireSchoolId(schoolId);
        if (!caller.IsPlatformAdmin) throw new ForbiddenException(detail: "Only platform admins register schools (R1).");
        var school = Validate(schoolId, body, clock.GetUtcNow());
        var created = await schools.UpsertAsync(school, ct).ConfigureAwait(false);
        await audit.AppendAsync(new AuditRecord(schoolId, caller.Actor, created ? "school.create" : "school.update", null, "success"), ct)
            .ConfigureAwait(false);
        return (school, created);
    }

    public async Task<School> GetAsync(Caller caller, string schoolId, CancellationToken ct)
    {
        var grant = await access.AuthorizeAsync(caller, schoolId, Capability.ReadSchool, ct).ConfigureAwait(false);
        return grant.School;
    }

    internal School Validate(string schoolId, SchoolRequest? body, DateTimeOffset now)
    {
        var v = new Validation();
        if (body is null)
        {
            v.Add("body", "A JSON body is required.").ThrowIfInvalid();
        }
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var name = v.Text(body!.Name, "name", 200);
        var dfe = v.Text(body.DfeNumber, "dfeNumber", 8, required: false);
        if (dfe is not null && !DfeNumberPattern().IsMatch(dfe)) v.Add("dfeNumber", "dfeNumber must be LA code and establishment number, e.g. 123/4567.");
        var signedOn = v.Required(body.CodeOfConductSignedOn, "codeOfConductSignedOn");
        v.NotInFuture(signedOn, today, "codeOfConductSignedOn");
        var signedBy = v.Text(body.CodeOfConductSignedBy, "codeOfConductSignedBy", 200);
        var status = v.Required(body.Status, "status");
        Accreditation? accreditation = null;
        if (body.Accreditation is { } a)
        {
            var aStatus = v.Required(a.Status, "accreditation.status");
            var areas = new List<string>();
            foreach (var (area, i) in (a.Areas ?? []).Select((x, i) => (x, i)))
            {
                if (v.Text(area, $"accreditation.areas[{i}]", 100) is { } ok) areas.Add(ok);
            }
            if (areas.Count > 4) v.Add("accreditation.areas", "There are four areas of practice at most.");
            if (aStatus is { } s) accreditation = new Accreditation(s, areas);
        }
        v.ThrowIfInvalid();
        return new School(schoolId, name!, dfe, signedOn!.Value, signedBy!, status!.Value, accreditation, now);
    }
}
