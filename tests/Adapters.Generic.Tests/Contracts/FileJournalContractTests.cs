using System.Text;
using Connector.Abstractions.Journals;
using Connector.Abstractions.Schools;
using Connector.Adapters.Generic.Files;
using Connector.Demo;
using Connector.Testing;
using Connector.Testing.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Adapters.Generic.Tests.Contracts;

/// <summary>The adapter contract, run against the file journal over a real folder of CSV exports.</summary>
public sealed class FileJournalContractTests : JournalAdapterContract
{
    protected override Task<IJournalUnderTest> CreateAsync() => Task.FromResult<IJournalUnderTest>(new FileJournalUnderTest());

    private sealed class FileJournalUnderTest : IJournalUnderTest
    {
        private static readonly Dictionary<ContractMark, string> Codes = new()
        {
            [ContractMark.AbsentNoReason] = "Н",
            [ContractMark.Unexcused] = "НП",
            [ContractMark.Illness] = "Б",
            [ContractMark.Late] = "ОП",
        };

        private readonly string home = Directory.CreateTempSubdirectory("connector-contract-").FullName;
        private readonly FakeTimeProvider clock = new(ContractScenario.Now);

        public FileJournalUnderTest()
        {
            var folder = new JournalFolder(Path.Combine(home, "journal"));
            foreach (var (key, name, cls) in ContractScenario.Pupils)
            {
                folder.Pupil(key, name, cls, [.. ContractScenario.Guardians.Where(g => g.Children.Contains(key)).Select(g => g.Key)]);
            }

            foreach (var g in ContractScenario.Guardians) folder.Guardian(g.Key, g.FullName, g.Email, g.Phone);
            foreach (var day in new[] { ContractScenario.Before, ContractScenario.Monday, ContractScenario.Tuesday })
            {
                foreach (var (cls, count) in ContractScenario.Lessons) folder.Lessons(cls, day, count);
            }

            foreach (var m in ContractScenario.Marks) folder.Mark(m.Date, m.Pupil, m.Lesson, Codes[m.Mark]);
            folder.Write();
            Adapter = Create("journal");
        }

        public IJournalAdapter Adapter { get; }

        public string PupilId(string key) => key;

        public string GuardianId(string key) => key;

        public int TimesWritten(string flagKey)
        {
            var path = Path.Combine(home, "journal", FileJournalAdapter.FlagsFile);
            return File.Exists(path) ? File.ReadAllLines(path, Encoding.UTF8).Count(l => l.StartsWith(flagKey + ";", StringComparison.Ordinal)) : 0;
        }

        public (IJournalAdapter Adapter, JournalFailure Expected) Misconfigured() => (Create("no-such-folder"), JournalFailure.Configuration);

        public ValueTask DisposeAsync()
        {
            Directory.Delete(home, recursive: true);
            return ValueTask.CompletedTask;
        }

        private IJournalAdapter Create(string folder)
        {
            var section = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Connector:Schools:0:Adapter:Kind"] = "files", ["Connector:Schools:0:Adapter:Folder"] = folder })
                .Build().GetSection("Connector:Schools:0:Adapter");
            return new FileJournalAdapterFactory(home, clock).Create(new SchoolRef("school-1", "Школа № 1", "Europe/Moscow", "default", "files"), section);
        }
    }
}
