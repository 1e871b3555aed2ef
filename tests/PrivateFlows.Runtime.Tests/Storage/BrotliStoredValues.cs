namespace PrivateFlows.Runtime.Tests.Storage;

/// <summary>
/// Values as main at 06d49c1 stored them, before zstd (Brotli, journal rows also plain and deflated): every store
/// written by that version must keep reading. Base64 of the stored bytes; the inputs are in the tests that read them.
/// </summary>
internal static class BrotliStoredValues
{
    /// <summary>
    /// <c>Primers/document.json</c> with "0000001" → "0000042" and "9CE431C7" → "0A1B2C3D", compressed after the
    /// document primer (format 2).
    /// </summary>
    public const string PrimedDocument = "At8FAADhXQAAqKqqqv6PVxYSOlxkGYCDsSASk8QAd9oY60A8NRCqFcEGFOq8BXtRQ6jgyR4BJtMF2EMiU8v1AwZ4n8YEBA==";

    /// <summary><c>{"source":"shop","data":{"orderId":"SO-1","lines":[{"sku":"茶-1","qty":2}]}}</c>, Brotli quality 1 (format 1).</summary>
    public const string PlainEventBody = "AU0AAAADJoB7InNvdXJjZSI6InNob3AiLCJkYXRhIjp7Im9yZGVySWQiOiJTTy0xIiwibGluZXMiOlt7InNrdSI6IuiMti0xIiwicXR5IjoyfV19fQM=";

    /// <summary>The registration step of SqlitePrimedRowsTests, plain (a short row when the primer did not reproduce).</summary>
    public const string PlainJournalRow = "AQNBABtvbmJvYXJkaW5nLTdmNTFmOWYxNjg1ZTIzMTAACm9uYm9hcmRpbmcCaDCAwOau4/2s3RFFZW50ZXJlZCBvbiBjdXN0b21lci5yZWdpc3RlcmVkIChjMS1yZWcpLCB2ZXJzaW9uIDEgKDVkMGUxZGUxNTBiYjMwMTIpbAECAmgxAAAHd2VsY29tZU5hcHBfcHVzaCBvbmJvYXJkaW5nLXdlbGNvbWUgW2VuXTogSGkgQ3VzdG9tZXIgMSwgd2VsY29tZSB0byBYaWFvbWFuIExpZmUhIPCfjoliAQICaDIAAAd3YWl0LTFkGnVudGlsIDIwMjYtMTItMDhUMDI6Mzc6NDRa";

    /// <summary>The 30 batched entries of SqlitePrimedRowsTests, deflated.</summary>
    public const string DeflatedJournalRow = "Ah5ilEtikM7PS8pPLErJzEvXNU8zNUyzTDM0szBNNTI2NGDgQkgyZRg0HHi27vHfNXcFGdjLEzNLdA1TpErzSjJzFIwMjMx0DY10DSxCDAytDAysDAyikhiZmDIMG2bM2sPCjF0ZSCVEmRE+ZUZw04zxKTOGKzPBp8wErswUnzJTuDIzfMrM4MrM8SkzhyuzwKfMAq7MEp8yS6gy5gxDAzzqDGHRwJxhiC8eDGHxwJxhiC8iDGERwZxhiC8mDGExwZxhiC8qDGFRwZxhiC8uDGFxwZxhiC8yDGGRwZxhiC82DGGxwZxhiC86DGHRwZxhiC8+DBHxYYQvPowQ8WGELz6MEPFhhC8+jBDxYYQvPgAzQsSHEb74MELEhxG++DBCxIcRvvgwQsSHEb74MELEhxG++DBCxIcRvvgwAscHAA==";

    /// <summary>The registration step, Brotli after the journal primer.</summary>
    public const string PrimedJournalRow = "AwMCCAEAAHEQAACoqqqq/kFBDyc9HUVVRBe461XhrkdVUDnp5aDHg4Ieznq66EkB9HLTATgYCyIxSQxwp40lhHTmpdIxAQcG66lpA/5GUTT2W/fPo6KzN+sauSi2B0KFOW9zmRCjQcSWUI9ROQtZiBk=";

    /// <summary>The 30 batched entries, Brotli after the journal primer.</summary>
    public const string PrimedLongJournalRow = "Ax4C2wQAAKFNAACoqqqq/sHA7HDxw8UOZxUSlc1PRzsagCv45WiXo4Mfzg5+OPnBTxc/OYBfbj4AB2NBJCaJAe60sXlad2deKmOYjBriaRdU/A0/fbx/z+//8TkZX6yEJUTvAUgvcNzur2XWFLyQMeAhYwWvZNzBdzI28EbGDt7JOMAHGSf4JOMCW046X6WhFEgjYyFByBgSIGMlQcm4k9DJ2EgwMnYSnIyDhCDjJCHJuAxwJ2QMCZAxJEDGkAAZQwJkDAmQMSRAxpAAGUMCZAwJkDGaUOfWNg==";

    /// <summary>The welcome message body of SqlitePrimedRowsTests, Brotli after the message-body primer.</summary>
    public const string PrimedMessageBody = "Ao4AAADRCAAAImYADsaCSEwSA9xpY5B3PHIT";
}
