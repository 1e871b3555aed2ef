// The bicep CLI these tests run comes from Azure.Bicep.CommandLine.linux-x64, and the publish script
// and its zip permissions are POSIX: the suite is Linux-only by design.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
