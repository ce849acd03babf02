using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace EasySpace.Core.Data;

/// <summary>Stores instants as UTC ticks, so SQLite can sort and range-filter them.</summary>
public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));
