// diagnostics_test.cc — the diagnostic code table, clang-style text rendering (gutter, caret under
// UTF-8, tabs, multi-line and empty spans, notes, help, clipping, terminal safety), the summary
// line, JSON Lines output and "did you mean" suggestions.
#include "compiler/diagnostics.h"

#include <gtest/gtest.h>

#include <string>

namespace laud::compiler {
namespace {

// A one-file compilation with helpers to point at text in it.
class DiagTest : public testing::Test {
 protected:
  uint32_t add(std::string name, std::string text) {
    file_ = sources_.add(std::move(name), std::move(text));
    return file_;
  }
  // The span of the `nth` occurrence of `needle` in the current file.
  Span at(std::string_view needle, int nth = 0) const {
    std::string_view text = sources_.file(file_).text();
    size_t pos = text.find(needle);
    while (nth-- > 0) pos = text.find(needle, pos + 1);
    EXPECT_NE(pos, std::string_view::npos) << needle;
    return sources_.span(file_, static_cast<uint32_t>(pos), static_cast<uint32_t>(pos + needle.size()));
  }

  SourceManager sources_;
  Diagnostics diags_{sources_};
  uint32_t file_ = 0;
};

// --- code table and counting

TEST(DiagCodes, TableLookups) {
  EXPECT_EQ(diag_code_name(DiagCode::E0200), "E0200");
  EXPECT_EQ(diag_code_ident(DiagCode::E0200), "unknown_name");
  EXPECT_EQ(diag_code_severity(DiagCode::E0200), Severity::kError);
  EXPECT_EQ(diag_code_name(DiagCode::W0001), "W0001");
  EXPECT_EQ(diag_code_ident(DiagCode::W0001), "unreachable_step");
  EXPECT_EQ(diag_code_severity(DiagCode::W0001), Severity::kWarning);
  EXPECT_EQ(diag_code_name(DiagCode::E0100), "E0100");
}

TEST_F(DiagTest, ReportTakesSeverityFromTableAndCounts) {
  add("a.journey", "x\n");
  Diagnostic& w = diags_.report(DiagCode::W0001, at("x"), "unreachable");
  EXPECT_EQ(w.severity, Severity::kWarning);
  EXPECT_FALSE(diags_.has_errors());
  diags_.error(DiagCode::E0200, at("x"), "unknown");
  diags_.report(DiagCode::E0201, at("x"), "unknown segment");
  EXPECT_EQ(diags_.error_count(), 2u);
  EXPECT_EQ(diags_.warning_count(), 1u);
  EXPECT_TRUE(diags_.has_errors());
  EXPECT_EQ(diags_.all().size(), 3u);
  EXPECT_EQ(diags_.all()[1].message, "unknown");
}

// --- basic text rendering

TEST_F(DiagTest, ClangStyleWithHelp) {
  add("welcome.journey", "journey welcome {\n  send emial \"welcome\"\n}\n");
  Diagnostic& d = diags_.error(DiagCode::E0200, at("emial"), "unknown name `emial`");
  d.help = "did you mean `email`?";
  EXPECT_EQ(diags_.render_text(),
            "welcome.journey:2:8: error: unknown name `emial` [E0200]\n"
            "    2 |   send emial \"welcome\"\n"
            "      |        ^~~~~\n"
            "help: did you mean `email`?\n"
            "1 error generated.\n");
}

TEST_F(DiagTest, GutterWidensForLargeLineNumbers) {
  std::string text(12344, '\n');
  text += "oops\n";
  add("big.journey", text);
  diags_.error(DiagCode::E0100, at("oops"), "bad");
  EXPECT_EQ(diags_.render_one(diags_.all()[0]),
            "big.journey:12345:1: error: bad [E0100]\n"
            " 12345 | oops\n"
            "       | ^~~~\n");
}

TEST_F(DiagTest, GutterIsSharedWithNotes) {
  std::string text = "first\n";
  text += std::string(99998, '\n');
  text += "second\n";
  add("n.journey", text);
  Diagnostic& d = diags_.error(DiagCode::E0205, at("first"), "dup");
  d.notes.push_back({at("second"), "other"});
  EXPECT_EQ(diags_.render_one(d),
            "n.journey:1:1: error: dup [E0205]\n"
            "      1 | first\n"
            "        | ^~~~~\n"
            "n.journey:100000:1: note: other\n"
            " 100000 | second\n"
            "        | ^~~~~~\n");
}

TEST_F(DiagTest, WarningAndNoteWords) {
  add("a.journey", "send x\n");
  Diagnostic& d = diags_.report(DiagCode::W0001, at("send"), "unreachable step");
  d.notes.push_back({Span{}, "it follows an exit"});
  EXPECT_EQ(diags_.render_one(d),
            "a.journey:1:1: warning: unreachable step [W0001]\n"
            "    1 | send x\n"
            "      | ^~~~\n"
            "note: it follows an exit\n");
}

// --- caret placement

TEST_F(DiagTest, CaretCountsCodePointsNotBytes) {
  add("u.journey", "let x = \"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80\" + y\n");  // é € 😀 (wide)
  diags_.error(DiagCode::E0200, at("y"), "unknown name `y`");
  Span s = at("y");
  EXPECT_EQ(s.col, 23u);
  EXPECT_EQ(diags_.render_one(diags_.all()[0]),
            "u.journey:1:23: error: unknown name `y` [E0200]\n"
            "    1 | let x = \"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80\" + y\n"
            "      | " + std::string(23, ' ') + "^\n");
}

TEST_F(DiagTest, UnderlineCoversMultibyteCharacters) {
  add("u.journey", "x = \"\xC3\xA9t\xC3\xA9\"\n");
  diags_.error(DiagCode::E0301, at("\"\xC3\xA9t\xC3\xA9\""), "type");
  EXPECT_EQ(diags_.render_one(diags_.all()[0]),
            "u.journey:1:5: error: type [E0301]\n"
            "    1 | x = \"\xC3\xA9t\xC3\xA9\"\n"
            "      |     ^~~~~\n");
}

TEST_F(DiagTest, WideCharactersTakeTwoCells) {
  add("w.journey", "\"\xE4\xB8\xAD\xE6\x96\x87\" + z\n");  // "中文" + z
  diags_.error(DiagCode::E0200, at("z"), "unknown");
  diags_.error(DiagCode::E0301, at("\xE4\xB8\xAD"), "wide");
  EXPECT_EQ(diags_.render_one(diags_.all()[0]).substr(diags_.render_one(diags_.all()[0]).rfind("|")),
            "| " + std::string(9, ' ') + "^\n");
  EXPECT_EQ(diags_.render_one(diags_.all()[1]).substr(diags_.render_one(diags_.all()[1]).rfind("|")),
            "|  ^~\n");
}

TEST_F(DiagTest, TabsAreCopiedIntoTheCaretLine) {
  add("t.journey", "\tsend\temial \"x\"\n");
  diags_.error(DiagCode::E0200, at("emial"), "unknown");
  EXPECT_EQ(diags_.render_one(diags_.all()[0]),
            "t.journey:1:7: error: unknown [E0200]\n"
            "    1 | \tsend\temial \"x\"\n"
            "      | \t    \t^~~~~\n");
}

TEST_F(DiagTest, MultiLineSpanUnderlinesToEndOfFirstLine) {
  add("m.journey", "if a {\n  send email \"x\"\n}\n");
  std::string_view text = sources_.file(file_).text();
  Span s = sources_.span(file_, 3, static_cast<uint32_t>(text.find('}') + 1));
  diags_.error(DiagCode::E0100, s, "multi");
  EXPECT_EQ(diags_.render_one(diags_.all()[0]),
            "m.journey:1:4: error: multi [E0100]\n"
            "    1 | if a {\n"
            "      |    ^~~\n");
}

TEST_F(DiagTest, ZeroLengthSpanIsOneCaret) {
  add("z.journey", "wait 3d\n");
  Span s = sources_.span(file_, 5, 5);
  diags_.error(DiagCode::E0100, s, "expected");
  EXPECT_EQ(diags_.render_one(diags_.all()[0]),
            "z.journey:1:6: error: expected [E0100]\n"
            "    1 | wait 3d\n"
            "      |      ^\n");
}

TEST_F(DiagTest, SpanAtEndOfLineAndEndOfFile) {
  add("e.journey", "split s {\nabc");
  diags_.error(DiagCode::E0100, sources_.span(file_, 9, 10), "at newline");  // the '\n' itself
  diags_.error(DiagCode::E0100, sources_.span(file_, 13, 13), "at eof");
  EXPECT_EQ(diags_.render_one(diags_.all()[0]),
            "e.journey:1:10: error: at newline [E0100]\n"
            "    1 | split s {\n"
            "      |          ^\n");
  EXPECT_EQ(diags_.render_one(diags_.all()[1]),
            "e.journey:2:4: error: at eof [E0100]\n"
            "    2 | abc\n"
            "      |    ^\n");
}

TEST_F(DiagTest, EmptyLineHasNoTrailingSpace) {
  add("e.journey", "a\n\nb\n");
  diags_.error(DiagCode::E0100, sources_.span(file_, 2, 2), "empty");
  EXPECT_EQ(diags_.render_one(diags_.all()[0]),
            "e.journey:2:1: error: empty [E0100]\n"
            "    2 |\n"
            "      | ^\n");
}

TEST_F(DiagTest, CrlfLineEndingsAreNotShown) {
  add("c.journey", "send x\r\nwait y\r\n");
  diags_.error(DiagCode::E0200, at("y"), "unknown");
  EXPECT_EQ(diags_.render_one(diags_.all()[0]),
            "c.journey:2:6: error: unknown [E0200]\n"
            "    2 | wait y\n"
            "      |      ^\n");
}

TEST_F(DiagTest, SpanWithoutByteOffsetsFallsBackToColumn) {
  add("f.journey", "abc def\n");
  Span s{file_, 100, 100, 1, 5};  // offsets outside the line: trust line and column
  diags_.error(DiagCode::E0100, s, "col");
  EXPECT_EQ(diags_.render_one(diags_.all()[0]),
            "f.journey:1:5: error: col [E0100]\n"
            "    1 | abc def\n"
            "      |     ^\n");
}

// --- notes and locations

TEST_F(DiagTest, LocatedNoteInAnotherFile) {
  uint32_t a = add("a.journey", "segment vip = true\n");
  Span first = at("vip");
  add("b.journey", "segment vip = false\n");
  Diagnostic& d = diags_.error(DiagCode::E0205, at("vip"), "duplicate segment `vip`");
  d.notes.push_back({first, "first declared here"});
  d.notes.push_back({Span{}, "names are global across the files of a module"});
  d.help = "rename one of them";
  EXPECT_EQ(a, 0u);
  EXPECT_EQ(diags_.render_one(d),
            "b.journey:1:9: error: duplicate segment `vip` [E0205]\n"
            "    1 | segment vip = false\n"
            "      |         ^~~\n"
            "a.journey:1:9: note: first declared here\n"
            "    1 | segment vip = true\n"
            "      |         ^~~\n"
            "note: names are global across the files of a module\n"
            "help: rename one of them\n");
}

TEST_F(DiagTest, LineZeroShowsFileOnly) {
  add("big.journey", "x\n");
  diags_.error(DiagCode::E0901, Span{file_, 0, 0, 0, 0}, "file is too large");
  EXPECT_EQ(diags_.render_one(diags_.all()[0]), "big.journey: error: file is too large [E0901]\n");
}

TEST_F(DiagTest, NoFileShowsProgramName) {
  diags_.error(DiagCode::E0902, kNoLocation, "cannot read `missing.journey`");
  EXPECT_EQ(diags_.render_text(),
            "laudc: error: cannot read `missing.journey` [E0902]\n"
            "1 error generated.\n");
  EXPECT_EQ(diags_.render_json(),
            "{\"file\":null,\"line\":0,\"column\":0,\"end_line\":0,\"end_column\":0,\"severity\":\"error\","
            "\"code\":\"E0902\",\"name\":\"cannot_read_file\",\"message\":\"cannot read `missing.journey`\","
            "\"notes\":[],\"help\":null}\n");
}

// --- summary line

TEST_F(DiagTest, SummaryPluralisation) {
  add("s.journey", "x\n");
  EXPECT_EQ(diags_.render_text(), "");
  auto last_line = [&] {
    std::string t = diags_.render_text();
    t.pop_back();
    return t.substr(t.rfind('\n') + 1);
  };
  diags_.report(DiagCode::W0001, at("x"), "w");
  EXPECT_EQ(last_line(), "1 warning generated.");
  diags_.report(DiagCode::W0002, at("x"), "w");
  EXPECT_EQ(last_line(), "2 warnings generated.");
  diags_.report(DiagCode::E0200, at("x"), "e");
  EXPECT_EQ(last_line(), "2 warnings and 1 error generated.");
  diags_.report(DiagCode::E0200, at("x"), "e");
  EXPECT_EQ(last_line(), "2 warnings and 2 errors generated.");

  Diagnostics only_errors(sources_);
  only_errors.report(DiagCode::E0200, at("x"), "e");
  only_errors.report(DiagCode::E0200, at("x"), "e");
  std::string t = only_errors.render_text();
  EXPECT_TRUE(t.ends_with("\n2 errors generated.\n")) << t;
}

// --- terminal safety and long lines

TEST_F(DiagTest, ControlCharactersAndInvalidUtf8AreReplaced) {
  add("bad\x1b.journey", "a \x1b[31m \xFF\xC3 \xE2\x80\xAE b\n");  // ESC, bad bytes, RTL override
  diags_.error(DiagCode::E0200, at("b"), "name \x1b[2J`b`\n");
  EXPECT_EQ(diags_.render_one(diags_.all()[0]),
            "bad\xEF\xBF\xBD.journey:1:14: error: name \xEF\xBF\xBD[2J`b`\xEF\xBF\xBD [E0200]\n"
            "    1 | a \xEF\xBF\xBD[31m \xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD b\n"
            "      | " + std::string(13, ' ') + "^\n");
}

TEST_F(DiagTest, InvalidBytesBeforeTheColumnKeepAlignment) {
  // The overlong encoding C0 AF is two invalid bytes, shown as two U+FFFD, then the caret.
  add("o.journey", "\xC0\xAF x\n");
  Span s{file_, 3, 4, 1, 4};
  diags_.error(DiagCode::E0109, s, "x");
  std::string out = diags_.render_one(diags_.all()[0]);
  EXPECT_NE(out.find("    1 | \xEF\xBF\xBD\xEF\xBF\xBD x\n"), std::string::npos) << out;
  EXPECT_NE(out.find("      |    ^\n"), std::string::npos) << out;
}

TEST_F(DiagTest, LongLinesAreClippedAroundTheColumn) {
  std::string line = std::string(300, 'a') + "TARGET" + std::string(300, 'b');
  add("l.journey", line + "\n");
  diags_.error(DiagCode::E0200, at("TARGET"), "here");
  std::string out = diags_.render_one(diags_.all()[0]);
  std::string expected_line = "    1 | ..." + std::string(40, 'a') + "TARGET" + std::string(74, 'b') + "...\n";
  std::string expected_caret = "      | " + std::string(43, ' ') + "^~~~~~\n";
  EXPECT_NE(out.find(expected_line), std::string::npos) << out;
  EXPECT_NE(out.find(expected_caret), std::string::npos) << out;
}

TEST_F(DiagTest, LongLinesClipAtTheStartAndEnd) {
  add("l.journey", "X" + std::string(250, 'a') + "Y\n");
  diags_.error(DiagCode::E0200, at("X"), "start");
  diags_.error(DiagCode::E0200, at("Y"), "end");
  std::string start = diags_.render_one(diags_.all()[0]);
  EXPECT_NE(start.find("    1 | X" + std::string(119, 'a') + "...\n"), std::string::npos) << start;
  EXPECT_NE(start.find("      | ^\n"), std::string::npos) << start;
  std::string end = diags_.render_one(diags_.all()[1]);
  EXPECT_NE(end.find("    1 | ..." + std::string(119, 'a') + "Y\n"), std::string::npos) << end;
  EXPECT_NE(end.find("      | " + std::string(122, ' ') + "^\n"), std::string::npos) << end;
}

TEST_F(DiagTest, ExactlyTwoHundredCodePointsIsNotClipped) {
  add("l.journey", std::string(199, 'a') + "Z\n");
  diags_.error(DiagCode::E0200, at("Z"), "z");
  std::string out = diags_.render_one(diags_.all()[0]);
  EXPECT_EQ(out.find("..."), std::string::npos);
}

// --- color

TEST_F(DiagTest, ColorIsOffByDefaultAndAnsiWhenAsked) {
  add("c.journey", "send emial\n");
  diags_.error(DiagCode::E0200, at("emial"), "unknown");
  diags_.report(DiagCode::W0001, at("send"), "w");
  EXPECT_EQ(diags_.render_text().find('\x1b'), std::string::npos);
  std::string colored = diags_.render_text(true);
  EXPECT_NE(colored.find("\x1b[1;31merror:"), std::string::npos);
  EXPECT_NE(colored.find("\x1b[1;35mwarning:"), std::string::npos);
  EXPECT_NE(colored.find("      | \x1b[1;32m     ^~~~~\x1b[0m\n"), std::string::npos);
  EXPECT_NE(colored.find("\x1b[1mc.journey:1:6: "), std::string::npos);
}

// --- JSON

TEST_F(DiagTest, JsonLinesWithNotesAndHelp) {
  add("j.journey", "journey j {\n  send emial \"x\"\n}\n");
  Diagnostic& d = diags_.error(DiagCode::E0200, at("emial"), "unknown name `emial`");
  d.notes.push_back({at("journey"), "in journey `j`"});
  d.notes.push_back({Span{}, "unlocated"});
  d.help = "did you mean `email`?";
  diags_.report(DiagCode::W0001, at("}"), "w");
  EXPECT_EQ(diags_.render_json(),
            "{\"file\":\"j.journey\",\"line\":2,\"column\":8,\"end_line\":2,\"end_column\":13,"
            "\"severity\":\"error\",\"code\":\"E0200\",\"name\":\"unknown_name\","
            "\"message\":\"unknown name `emial`\",\"notes\":["
            "{\"file\":\"j.journey\",\"line\":1,\"column\":1,\"message\":\"in journey `j`\"},"
            "{\"file\":null,\"line\":0,\"column\":0,\"message\":\"unlocated\"}],"
            "\"help\":\"did you mean `email`?\"}\n"
            "{\"file\":\"j.journey\",\"line\":3,\"column\":1,\"end_line\":3,\"end_column\":2,"
            "\"severity\":\"warning\",\"code\":\"W0001\",\"name\":\"unreachable_step\","
            "\"message\":\"w\",\"notes\":[],\"help\":null}\n");
}

TEST_F(DiagTest, JsonEndOfMultiLineAndEmptySpans) {
  add("j.journey", "ab\ncd\n");
  diags_.error(DiagCode::E0100, sources_.span(file_, 1, 5), "multi");
  diags_.error(DiagCode::E0100, sources_.span(file_, 4, 4), "empty");
  std::string json = diags_.render_json();
  EXPECT_NE(json.find("\"line\":1,\"column\":2,\"end_line\":2,\"end_column\":3,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"line\":2,\"column\":2,\"end_line\":2,\"end_column\":2,"), std::string::npos) << json;
}

TEST_F(DiagTest, JsonEscaping) {
  add("q\"\\.journey", "x\n");
  diags_.error(DiagCode::E0103, at("x"),
               std::string("quote \" backslash \\ nl \n tab \t cr \r bell \x07 nul ") + '\0' +
                   " esc \x1b bad \xFF\xFE end \xE2\x82 \xC3\xA9 \xF0\x9F\x98\x80 del \x7F");
  EXPECT_EQ(diags_.render_json(),
            "{\"file\":\"q\\\"\\\\.journey\",\"line\":1,\"column\":1,\"end_line\":1,\"end_column\":2,"
            "\"severity\":\"error\",\"code\":\"E0103\",\"name\":\"invalid_escape\",\"message\":"
            "\"quote \\\" backslash \\\\ nl \\n tab \\t cr \\r bell \\u0007 nul \\u0000 esc \\u001b bad "
            "\xEF\xBF\xBD\xEF\xBF\xBD end \xEF\xBF\xBD\xEF\xBF\xBD \xC3\xA9 \xF0\x9F\x98\x80 del \x7F\","
            "\"notes\":[],\"help\":null}\n");
}

TEST_F(DiagTest, JsonRejectsSurrogatesAndOverlongs) {
  add("s.journey", "x\n");
  diags_.error(DiagCode::E0109, at("x"), "\xED\xA0\x80|\xC0\x80|\xF4\x90\x80\x80");
  std::string json = diags_.render_json();
  std::string r = "\xEF\xBF\xBD";
  EXPECT_NE(json.find("\"message\":\"" + r + r + r + "|" + r + r + "|" + r + r + r + r + "\""), std::string::npos)
      << json;
}

// --- sort

TEST_F(DiagTest, SortByFileThenOffsetStable) {
  add("a.journey", "aaaa bbbb\n");
  add("b.journey", "cccc dddd\n");
  diags_.error(DiagCode::E0100, sources_.span(1, 5, 6), "b2");
  diags_.error(DiagCode::E0100, sources_.span(0, 5, 6), "a2");
  diags_.error(DiagCode::E0100, kNoLocation, "none");
  diags_.error(DiagCode::E0100, sources_.span(0, 0, 1), "a1-first");
  diags_.error(DiagCode::E0100, sources_.span(1, 0, 1), "b1");
  diags_.error(DiagCode::E0100, sources_.span(0, 0, 3), "a1-second");
  diags_.sort();
  std::vector<std::string> order;
  for (const auto& d : diags_.all()) order.push_back(d.message);
  EXPECT_EQ(order, (std::vector<std::string>{"a1-first", "a1-second", "a2", "b1", "b2", "none"}));
}

// --- suggestions

TEST(EditDistance, Basics) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("email", "emial"), 1u);  // an adjacent swap is one edit
  EXPECT_EQ(edit_distance("ab", "ba"), 1u);
  EXPECT_EQ(edit_distance("abc", "ca"), 3u);        // optimal string alignment, not full Damerau
  EXPECT_EQ(edit_distance("recieve", "receive"), 1u);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
  EXPECT_EQ(edit_distance("Email", "email"), 1u);
}

TEST(EditDistance, CapsLongInputs) {
  std::string a(64, 'a'), b(64, 'b'), c(65, 'a');
  EXPECT_EQ(edit_distance(a, b), 64u);
  EXPECT_EQ(edit_distance(a, c), SIZE_MAX);
  EXPECT_EQ(edit_distance(c, a), SIZE_MAX);
}

TEST(ClosestName, Suggests) {
  std::vector<std::string_view> channels = {"email", "sms", "push", "webhook", "slack", "in_app"};
  EXPECT_EQ(closest_name("emial", channels), "email");
  EXPECT_EQ(closest_name("emails", channels), "email");
  EXPECT_EQ(closest_name("webhok", channels), "webhook");
  EXPECT_EQ(closest_name("sm", channels), "sms");
  EXPECT_EQ(closest_name("fax", channels), "");
  EXPECT_EQ(closest_name("telegram", channels), "");
  EXPECT_EQ(closest_name("x", {}), "");
}

TEST(ClosestName, CaseInsensitiveMatchWinsButIdenticalIsNotSuggested) {
  EXPECT_EQ(closest_name("VIP", {"vip2", "vip"}), "vip");
  EXPECT_EQ(closest_name("vip", {"vip"}), "");
  EXPECT_EQ(closest_name("vip", {"vip", "vips"}), "vips");
  EXPECT_EQ(closest_name("LongTrialName", {"longtrialname", "LongTrialNam"}), "longtrialname");
}

TEST(ClosestName, TiesGoToTheFirstCandidate) {
  EXPECT_EQ(closest_name("cat", {"bat", "hat", "cot"}), "bat");
  EXPECT_EQ(closest_name("cat", {"hat", "bat"}), "hat");
}

TEST(ClosestName, DistanceLimitIsAThirdOfTheLength) {
  // len 9 → limit 3; len 5 → limit 1.
  EXPECT_EQ(closest_name("abcdefghi", {"abcdefxyz"}), "abcdefxyz");
  EXPECT_EQ(closest_name("abcdefghi", {"abcdewxyz"}), "");
  EXPECT_EQ(closest_name("abcde", {"abxde"}), "abxde");
  EXPECT_EQ(closest_name("abcde", {"axxde"}), "");
  std::string huge(100, 'a');
  EXPECT_EQ(closest_name(huge, {std::string_view(huge).substr(1)}), "");
}

}  // namespace
}  // namespace laud::compiler
