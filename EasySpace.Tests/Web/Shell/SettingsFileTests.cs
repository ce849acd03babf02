using EasySpace.Tests.Harness;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace EasySpace.Tests.Web.Shell;

public class SettingsFileTests
{
    [Fact]
    public void The_app_does_not_watch_its_settings_file_because_that_watches_every_database_write_under_it()
    {
        using var app = new AppHost();
        var root = (IConfigurationRoot)app.Get<IConfiguration>();

        var json = root.Providers.OfType<JsonConfigurationProvider>().ToList();
        Assert.NotEmpty(json);
        Assert.All(json, p => Assert.False(p.Source.ReloadOnChange, $"{p.Source.Path} is watched for changes"));
    }

    [Fact]
    public void A_published_app_started_from_another_folder_serves_the_css_and_scripts_beside_its_binaries()
    {
        using var binaries = new TempDirectory();
        using var elsewhere = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(binaries.Path, "wwwroot"));

        // Started from elsewhere (a service without a working directory): the files beside the binaries.
        Assert.Equal(Path.Combine(binaries.Path, "wwwroot"), EasySpace.Web.DependencyInjection.HostOptions([], binaries.Path, elsewhere.Path).WebRootPath);
        // Started from a folder with its own wwwroot (dotnet run in the project), or from a build without one: the default.
        Directory.CreateDirectory(Path.Combine(elsewhere.Path, "wwwroot"));
        Assert.Null(EasySpace.Web.DependencyInjection.HostOptions([], binaries.Path, elsewhere.Path).WebRootPath);
        using var build = new TempDirectory();
        Assert.Null(EasySpace.Web.DependencyInjection.HostOptions(["--x=1"], build.Path, build.Path).WebRootPath);
    }
}
