using AsTracking.Core.Access;
using AsTracking.Core.Ports;
using AsTracking.Core.UseCases;
using AsTracking.Functions.Http.Infrastructure;
using AsTracking.Functions.Identity;
using AsTracking.Storage.Assessments;
using AsTracking.Storage.Audit;
using AsTracking.Storage.Consent;
using AsTracking.Storage.Keys;
using AsTracking.Storage.Roll;
using AsTracking.Storage.Tables;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;

namespace AsTracking.Functions.Hosting;

/// <summary>
/// The one DI setup, shared by the function app's Program.cs and the DevHost, so both run the same composition.
/// </summary>
public static class ServiceRegistration
{
    public const string DefaultScope = "access_as_user";

    public static IServiceCollection AddAsTracking(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var settings = AsTrackingOptions.FromConfiguration(configuration, environment.IsDevelopment());
        services.AddSingleton<IValidateOptions<AsTrackingOptions>, AsTrackingOptionsValidator>();
        services.AddOptions<AsTrackingOptions>()
            .Configure(o => AsTrackingOptions.Read(configuration, environment.IsDevelopment(), o))
            .ValidateOnStart();
        services.AddOptions<AzureAdSettings>()
            .Bind(configuration.GetSection("AzureAd"))
            .Validate(a => !string.IsNullOrWhiteSpace(a.ClientId), "AzureAd__ClientId is required (the API's Entra app registration).")
            .Validate(a => !string.IsNullOrWhiteSpace(a.Instance) && !string.IsNullOrWhiteSpace(a.TenantId), "AzureAd__Instance and AzureAd__TenantId are required.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        AddAzureClients(services, settings);
        AddIdentity(services, configuration, environment);
        AddStorage(services, settings);
        AddUseCases(services, settings);
        return services;
    }

    private static void AddAzureClients(IServiceCollection services, AsTrackingOptions settings)
    {
        services.AddAzureClients(clients =>
        {
            if (settings.UsesConnectionString)
            {
                clients.AddTableServiceClient(settings.StorageConnectionString);
                clients.AddBlobServiceClient(settings.StorageConnectionString);
                clients.AddQueueServiceClient(settings.StorageConnectionString)
                    .ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.Base64);
            }
            else if (settings.TableServiceUri is not null && settings.BlobServiceUri is not null && settings.QueueServiceUri is not null)
            {
                clients.AddTableServiceClient(settings.TableServiceUri);
                clients.AddBlobServiceClient(settings.BlobServiceUri);
                clients.AddQueueServiceClient(settings.QueueServiceUri)
                    .ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.Base64);
            }
            if (settings.KeyVaultUri is not null)
            {
                clients.AddSecretClient(settings.KeyVaultUri);
            }
            clients.UseCredential(Credential(settings));
        });
    }

    private static TokenCredential Credential(AsTrackingOptions settings) =>
        new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(settings.ManagedIdentityClientId) ? null : settings.ManagedIdentityClientId,
        });

    private static void AddIdentity(IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddMicrosoftIdentityWebApi(configuration.GetSection("AzureAd"));
        services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>>(new RequiredScope(configuration["AzureAd:Scope"] ?? DefaultScope));
        // R4: development signing keys are honoured in Development only; elsewhere the settings are never read.
        if (environment.IsDevelopment())
        {
            services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, DevelopmentTokens>();
        }
        services.AddSingleton<RequestAuthenticator>();
        services.AddScoped<ApiEndpoint>();
    }

    private static void AddStorage(IServiceCollection services, AsTrackingOptions settings)
    {
        services.AddSingleton<ISecretKeyStore>(sp =>
        {
            if (settings.KeyVaultUri is not null)
            {
                return new KeyVaultSecretKeyStore(sp.GetRequiredService<SecretClient>(), sp.GetRequiredService<TimeProvider>());
            }
            if (!settings.IsDevelopment)
            {
                throw new InvalidOperationException("KeyVault__Uri is required outside Development.");
            }
            return string.IsNullOrWhiteSpace(settings.DevKeyRingFile)
                ? DevelopmentKeyRing.InMemory()
                : DevelopmentKeyRing.LoadOrCreate(settings.DevKeyRingFile);
        });
        services.AddSingleton<IPseudonymizer, HmacPseudonymizer>();
        services.AddSingleton<DataKeyWrapper>();
        services.AddSingleton<PupilCrypto>();
        services.AddSingleton<TableProvider>();
        services.AddSingleton<ISchoolStore, TableSchoolStore>();
        services.AddSingleton<IStaffStore, TableStaffStore>();
        services.AddSingleton<IDueIndex, TableDueIndex>();
        services.AddSingleton<IRollStore, TableRollStore>();
        services.AddSingleton<IConsentStore, TableConsentStore>();
        services.AddSingleton<IHealthProbe, StorageHealthProbe>();
        services.AddSingleton<ISessionStore, TableSessionStore>();
        services.AddSingleton<ISubmissionStore, TableSubmissionStore>();
        services.AddSingleton<IResultStore, TableResultStore>();
        services.AddSingleton<INotificationFeed, TableNotificationFeed>();
        services.AddSingleton<IMessageQueue, StorageMessageQueue>();
        services.AddSingleton<IRateLimiter>(sp => new TableRateLimiter(sp.GetRequiredService<TableProvider>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IScoringModels>(sp => new BlobScoringModels(sp.GetRequiredService<BlobServiceClient>(), settings.ScoringModelBlob));
        services.AddSingleton<IAuditTrail>(sp => new TableAuditTrail(
            sp.GetRequiredService<TableServiceClient>().GetTableClient(StorageNames.AuditTable),
            sp.GetRequiredService<IPseudonymizer>(),
            sp.GetRequiredService<TimeProvider>()));
    }

    private static void AddUseCases(IServiceCollection services, AsTrackingOptions settings)
    {
        services.AddSingleton(new TrainingPolicy(settings.TrainingValidityMonths));
        services.AddSingleton<AccessService>();
        services.AddSingleton<SchoolService>();
        services.AddSingleton<StaffService>();
        services.AddSingleton<RollService>();
        services.AddSingleton<ConsentService>();
        services.AddSingleton<AuditService>();
        services.AddSingleton<SchoolDirectory>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<SubmissionService>();
        services.AddSingleton<ScoringService>();
        services.AddSingleton<AlertService>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<RescoreService>();
    }
}

/// <summary>The AzureAd settings this app requires; Microsoft.Identity.Web reads the same section.</summary>
public sealed class AzureAdSettings
{
    public string? Instance { get; set; }
    public string? TenantId { get; set; }
    public string? ClientId { get; set; }
}
