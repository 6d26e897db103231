using ClaudeModelProxy.Core.Configuration;

namespace ClaudeModelProxy.Tests.Configuration;

public class EnvFileParserTests
{
    [Fact]
    public void ReadsKeyValueLinesSkippingCommentsAndQuotes()
    {
        var (values, problems) = EnvFileParser.Parse("# keys\nDEEPSEEK_API_KEY=sk-1\n\nexport GLM_API_KEY=\"sk 2\"\r\nMODEL_MAP='a=b'\nPORT = 9000\n", "test.env");
        values["DEEPSEEK_API_KEY"].ShouldBe("sk-1");
        values["GLM_API_KEY"].ShouldBe("sk 2");
        values["MODEL_MAP"].ShouldBe("a=b");
        values["PORT"].ShouldBe("9000");
        problems.ShouldBeEmpty();
    }

    [Fact]
    public void ReportsLinesThatAreNotAssignments()
    {
        var (values, problems) = EnvFileParser.Parse("GOOD=1\nthis is wrong\n", "test.env");
        values.Count.ShouldBe(1);
        problems.ShouldHaveSingleItem().Message.ShouldContain("line 2");
    }
}
