using AsTracking.Core.Scoring;
using AsTracking.Core.UseCases;
using Azure.Storage.Blobs;

namespace AsTracking.Storage.Assessments;

/// <summary>
/// The scoring model in force (R10): the embedded default-v1, or a published version read once from the "models"
/// container when configured (e.g. "default-v2/2.json"). A model that does not parse stops scoring loudly rather
/// than falling back silently to another version.
/// </summary>
public sealed class BlobScoringModels(BlobServiceClient blobs, string? modelBlob) : IScoringModels
{
    public const string Container = "models";
    private Task<ScoringModel>? _current;

    public ValueTask<ScoringModel> CurrentAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(modelBlob)) return ValueTask.FromResult(ScoringModel.Default);
        return new ValueTask<ScoringModel>(_current ??= LoadAsync());
    }

    private async Task<ScoringModel> LoadAsync()
    {
        try
        {
            var content = await blobs.GetBlobContainerClient(Container).GetBlobClient(modelBlob).DownloadContentAsync().ConfigureAwait(false);
            return ScoringModel.Parse(content.Value.Content.ToMemory().Span);
        }
        catch
        {
            _current = null; // try again on the next message
            throw;
        }
    }
}
