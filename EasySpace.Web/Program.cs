using EasySpace.Core;
using EasySpace.Core.Data;
using EasySpace.Web;
using EasySpace.Web.Cli;

var builder = WebApplication.CreateBuilder(EasySpace.Web.DependencyInjection.HostOptions(ManagementCommands.HostArgs(args)));
builder.AddEasySpaceSettings();      // the root appsettings.json, wherever the app starts from
builder.AddEasySpaceCore();          // EasySpace.Core/DependencyInjection.cs
builder.AddEasySpaceWeb();           // EasySpace.Web/DependencyInjection.cs
var app = builder.Build();
if (await ManagementCommands.TryRunAsync(app, args) is int exitCode) return exitCode;
using var dataFolder = app.HoldDataFolder();   // held while serving: restore refuses (EasySpace.Core/Backup/DataFolderLock.cs)
if (dataFolder is null) return 1;
await app.Services.MigrateDatabaseAsync();
app.UseEasySpace();                  // middleware, endpoints, components, in one place
await app.RunAsync();
return 0;

public partial class Program;
