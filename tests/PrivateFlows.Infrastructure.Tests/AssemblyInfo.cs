// The bicep CLI these tests run comes from Azure.Bicep.CommandLine.linux-x64, and the smoke script
// and its executable bit are POSIX: the suite is Linux-only by design.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
