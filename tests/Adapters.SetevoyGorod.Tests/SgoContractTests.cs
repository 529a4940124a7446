using System.Globalization;
using Connector.Abstractions.Journals;
using Connector.Testing.Contracts;
using Connector.Testing.Sgo;

namespace Connector.Adapters.SetevoyGorod.Tests;

/// <summary>The adapter contract, run against the SGO adapter over HTTP to the SGO emulator.</summary>
public class SgoContractTests : JournalAdapterContract
{
    /// <summary>The protocol variants the emulated server answers; the research's first guesses here.</summary>
    protected virtual SgoVariants Variants => new();

    protected override async Task<IJournalUnderTest> CreateAsync()
    {
        var school = await SgoSchool.StartAsync(ContractScenario.Now);
        school.Emulator.Variants = Variants;
        return new SgoJournalUnderTest(school);
    }

    private sealed class SgoJournalUnderTest : IJournalUnderTest
    {
        private static readonly Dictionary<ContractMark, string> Codes = new()
        {
            [ContractMark.AbsentNoReason] = "ОТ",
            [ContractMark.Unexcused] = "НП",
            [ContractMark.Illness] = "Б",
            [ContractMark.Late] = "ОП",
        };

        private readonly SgoSchool school;
        private readonly Dictionary<string, int> pupils = [];
        private readonly Dictionary<string, int> guardians = [];

        public SgoJournalUnderTest(SgoSchool school)
        {
            this.school = school;
            var sgo = school.Emulator;
            var classes = ContractScenario.Lessons.ToDictionary(l => l.Class, l => sgo.AddClass(l.Class, sgo.AddStaff($"Учитель {l.Class} Иван Иванович")));
            foreach (var (key, name, cls) in ContractScenario.Pupils)
            {
                var parents = ContractScenario.Guardians.Where(g => g.Children.Contains(key)).Select(g => new SgoParentData(g.FullName, g.Email, g.Phone)).ToArray();
                pupils[key] = sgo.AddStudent(classes[cls], name, new DateOnly(2013, 5, 1), parents);
                foreach (var (g, id) in ContractScenario.Guardians.Where(g => g.Children.Contains(key)).Zip(sgo.ParentIds(pupils[key])))
                {
                    guardians[g.Key] = id;
                }
            }

            foreach (var day in new[] { ContractScenario.Before, ContractScenario.Monday, ContractScenario.Tuesday })
            {
                foreach (var (cls, count) in ContractScenario.Lessons) sgo.Lessons(classes[cls], day, count);
            }

            foreach (var m in ContractScenario.Marks) sgo.Mark(pupils[m.Pupil], m.Date, m.Lesson, Codes[m.Mark]);
            Adapter = school.Adapter();
        }

        public IJournalAdapter Adapter { get; }

        public string PupilId(string key) => pupils[key].ToString(CultureInfo.InvariantCulture);

        public string GuardianId(string key) => guardians[key].ToString(CultureInfo.InvariantCulture);

        public int TimesWritten(string flagKey) => school.Emulator.Mail.Count(m => m.Subject.Contains(SgoMailbox.Token(flagKey), StringComparison.Ordinal));

        public (IJournalAdapter Adapter, JournalFailure Expected) Misconfigured()
        {
            school.Settings["Password"] = "не тот пароль";
            return (school.Adapter(), JournalFailure.Authentication);
        }

        public ValueTask DisposeAsync() => school.DisposeAsync();
    }
}

/// <summary>The same contract against a server that answers every uncertain read in its other way (SGO_API.md §3.1, §3.3 B, §3.6, §4.3).</summary>
public sealed class SgoContractOnOtherVariantsTests : SgoContractTests
{
    protected override SgoVariants Variants => new()
    {
        Terms = SgoTermsVariant.YearOnly, Students = SgoStudentsVariant.GradeStudentList, NickNames = true, MobileLessonNames = true,
        LowercaseSgid = true, Registry = SgoRegistryVariant.Legacy,
    };
}
