using System.Globalization;
using Microsoft.Extensions.Options;

namespace EasySpace.Core.Backup;

/// <summary>The <c>Backup</c> section of appsettings.json: the daily backup, off while <see cref="Directory"/> is empty.</summary>
public sealed class BackupOptions
{
    public const string Section = "Backup";

    /// <summary>Where the daily copies go, each in a folder of its own; relative paths start at the working directory.</summary>
    public string Directory { get; set; } = "";

    /// <summary>How many daily copies to keep; older ones are deleted after a new one is made.</summary>
    public int Keep { get; set; } = 7;

    /// <summary>When the daily copy is made, <c>HH:mm</c> on the space's clock (its time zone).</summary>
    public string TimeOfDay { get; set; } = "03:00";

    public bool IsOn => !string.IsNullOrWhiteSpace(Directory);

    public TimeOnly Time => TimeOnly.ParseExact(TimeOfDay, "HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>Stops the start with a message naming the setting, rather than a daily job that cannot run.</summary>
internal sealed class BackupOptionsCheck : IValidateOptions<BackupOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupOptions options)
    {
        var failures = new List<string>();
        if (options.Keep is < 1 or > 1000) failures.Add("Backup:Keep: keep from 1 to 1000 copies.");
        if (!TimeOnly.TryParseExact(options.TimeOfDay, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            failures.Add($"Backup:TimeOfDay: write the time as HH:mm on a 24-hour clock, e.g. 03:00 (not “{options.TimeOfDay}”).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
