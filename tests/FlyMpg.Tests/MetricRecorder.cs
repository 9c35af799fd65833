using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FlyMpg.Tests;

/// <summary>Records the measurements of one instrument of one meter while it lives, with their tags.</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(double Value, IReadOnlyDictionary<string, object?> Tags)> _measurements = new();

    public MetricRecorder(string meterName, string instrumentName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && instrument.Name == instrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, _) => Record(value, tags));
        _listener.Start();
    }

    public IReadOnlyCollection<(double Value, IReadOnlyDictionary<string, object?> Tags)> Measurements => _measurements;

    /// <summary>Asks observable instruments (Npgsql's pool gauges) for their current values.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    public void Dispose() => _listener.Dispose();

    private void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _measurements.Enqueue((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
}
