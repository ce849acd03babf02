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
}
