using AsTracking.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
// Telemetry goes to Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING, Entra auth in Azure).
builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
builder.Services.AddAsTracking(builder.Configuration, builder.Environment);
builder.Build().Run();
