namespace PrivateFlows.Functions.CustomHandler;

/// <summary>Reads an invocation body from the Functions host (bounded by Kestrel's request size limit).</summary>
internal static class InvocationBody
{
    public static async Task<InvocationRequest?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.Length == 0 ? null : InvocationRequest.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }
}
