// File: param_types_test.cpp
// Accept/reject tables for every parameter type, with canonical text, plus the hostile-value
// table: each hostile value is either rejected by its type or accepted byte for byte.
#include "awshpc/spec/param_types.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace awshpc::spec {
namespace {

using ::testing::HasSubstr;

struct Accept {
  std::string input;
  std::string canonical;
};

Parameter Param(ParamType type) {
  Parameter p;
  p.name = "p";
  p.type = type;
  return p;
}

void ExpectTable(const Parameter& p, const std::vector<Accept>& accepted,
                 const std::vector<std::string>& rejected) {
  for (const Accept& a : accepted) {
    Result<std::string> r = CanonicalizeValue(p, a.input);
    EXPECT_TRUE(r.ok()) << ParamTypeName(p.type) << " should accept \"" << a.input
                        << "\": " << r.status().ToString();
    if (r.ok()) {
      EXPECT_EQ(*r, a.canonical) << "input \"" << a.input << "\"";
    }
  }
  for (const std::string& input : rejected) {
    Result<std::string> r = CanonicalizeValue(p, input);
    EXPECT_FALSE(r.ok()) << ParamTypeName(p.type) << " should reject \"" << input
                         << "\" but gave \"" << r.value_or("") << "\"";
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(ParamTypesTest, Int) {
  Parameter p = Param(ParamType::kInt);
  p.min = -5;
  p.min_text = "-5";
  p.max = 1000;
  p.max_text = "1000";
  ExpectTable(p,
              {{"0", "0"}, {"42", "42"}, {"+7", "7"}, {"-5", "-5"}, {"007", "7"}, {"1000", "1000"}},
              {"", " 1", "1 ", "1.0", "1e3", "0x10", "-6", "1001", "+-1", "--1", "1_000", "one",
               "99999999999999999999", "1;2"});
  EXPECT_EQ(CanonicalizeValue(p, "1001").status().message(),
            "expected an integer between -5 and 1000; got \"1001\"");
  EXPECT_EQ(CanonicalizeValue(Param(ParamType::kInt), "x").status().message(),
            "expected an integer; got \"x\"");
}

TEST(ParamTypesTest, Float) {
  Parameter p = Param(ParamType::kFloat);
  p.min = 0;
  p.min_text = "0";
  ExpectTable(
      p,
      {{"0.5", "0.5"}, {"1", "1"}, {"1e-3", "0.001"}, {"+2.50", "2.5"}, {"-0", "0"}, {".5", "0.5"}},
      {"", "nan", "inf", "-inf", "1e999", "-0.1", "0.5x", "1,5", " 1", "0x1p3"});
  EXPECT_EQ(CanonicalizeValue(p, "-0.1").status().message(),
            "expected a number >= 0; got \"-0.1\"");
}

TEST(ParamTypesTest, Bool) {
  ExpectTable(Param(ParamType::kBool),
              {{"true", "true"},
               {"TRUE", "true"},
               {"Yes", "true"},
               {"1", "true"},
               {"on", "true"},
               {"false", "false"},
               {"no", "false"},
               {"0", "false"},
               {"OFF", "false"}},
              {"", "y", "2", "truee", "true ", "maybe"});
}

TEST(ParamTypesTest, Enum) {
  Parameter p = Param(ParamType::kEnum);
  p.values = {"fullchem", "aerosol", "CH4"};
  ExpectTable(p, {{"fullchem", "fullchem"}, {"CH4", "CH4"}},
              {"", "Fullchem", "ch4", "fullchem ", "aerosols"});
  EXPECT_EQ(CanonicalizeValue(p, "aerosols").status().message(),
            "expected one of fullchem, aerosol or CH4; got \"aerosols\" (did you mean aerosol?)");
}

TEST(ParamTypesTest, Path) {
  Parameter relative = Param(ParamType::kPath);
  ExpectTable(relative,
              {{"in.lj", "in.lj"},
               {"data/x.nc", "data/x.nc"},
               {"./-rf", "./-rf"},
               {"a/./b", "a/./b"},
               {"a..b/c", "a..b/c"},
               {"dir/", "dir/"},
               {"with space", "with space"}},
              {"", "/etc/passwd", "..", "../x", "a/../b", "a/..", "-rf", "a\nb", "a\tb",
               std::string("a\0b", 3), "a\x7f"});
  Parameter absolute = relative;
  absolute.allow_absolute = true;
  ExpectTable(absolute, {{"/scratch/run", "/scratch/run"}, {"rel", "rel"}},
              {"/scratch/../etc", "../x"});
  EXPECT_EQ(CanonicalizeValue(relative, "/etc/passwd").status().message(),
            "expected a relative path; got absolute path \"/etc/passwd\"");
}

TEST(ParamTypesTest, S3Uri) {
  ExpectTable(Param(ParamType::kS3Uri),
              {{"s3://gcgrid", "s3://gcgrid"},
               {"s3://gcgrid/", "s3://gcgrid/"},
               {"s3://my-bucket.data/a/b c.nc", "s3://my-bucket.data/a/b c.nc"},
               {"s3://abc/x", "s3://abc/x"}},
              {"", "s3://", "s3:/bucket/x", "S3://bucket/x", "https://bucket/x", "s3://ab/x",
               "s3://Bucket/x", "s3://bucket_name/x", "s3://-bucket/x", "s3://bucket-/x",
               "s3://my..bucket/x", "s3://192.168.1.1/x", "s3://xn--bucket/x", "s3://bucket/a\nb",
               std::string(70, 'a').insert(0, "s3://")});
}

TEST(ParamTypesTest, Date) {
  ExpectTable(
      Param(ParamType::kDate),
      {{"2024-02-29", "2024-02-29"},
       {"20190701", "2019-07-01"},
       {"2000-02-29", "2000-02-29"},
       {"1999-12-31", "1999-12-31"}},
      {"", "2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-1-01",
       "2024/01/01", "240101", "2024-01-01T00:00:00", "0000-01-01", "２０２４0101"});
  EXPECT_EQ(CanonicalizeValue(Param(ParamType::kDate), "2023-02-29").status().message(),
            "expected a real calendar date; got \"2023-02-29\"");
}

TEST(ParamTypesTest, Duration) {
  Parameter p = Param(ParamType::kDuration);
  p.max = 86400;
  p.max_text = "1d";
  ExpectTable(p,
              {{"90s", "90"},
               {"10m", "600"},
               {"1h30m", "5400"},
               {"01:30:00", "5400"},
               {"45", "45"},
               {"1d", "86400"}},
              {"", "-1s", "1y", "soon", "2d", "1h 30m"});
  EXPECT_EQ(CanonicalizeValue(p, "2d").status().message(), "expected a duration <= 1d; got \"2d\"");
}

TEST(ParamTypesTest, StringWithAndWithoutPattern) {
  ExpectTable(Param(ParamType::kString),
              {{"", ""}, {"anything goes", "anything goes"}, {"naïve ☃", "naïve ☃"}},
              {std::string("nul\0byte", 8), std::string(4097, 'x')});
  Parameter p = Param(ParamType::kString);
  p.pattern = "[a-z][a-z0-9-]*";
  ExpectTable(p, {{"run-1", "run-1"}}, {"", "Run", "run 1", "run-1\n", "x;y"});
  EXPECT_EQ(CanonicalizeValue(p, "x;y").status().message(),
            "expected a string matching [a-z][a-z0-9-]*; got \"x;y\"");
}

// Shell metacharacters mean nothing here: every value is either rejected by its type or accepted
// byte for byte (render_test proves an accepted value stays one argv element).
TEST(ParamTypesTest, HostileValuesAreRejectedOrKeptByteForByte) {
  const std::vector<std::string> hostile = {
      "; rm -rf ~", "$(id)", "`id`", "a\nb",        "{{ params.other }}", "|| true",
      "> /etc/x",   "$HOME", "\r\n", "\x1b[31mred", "' OR 1=1 --",        "../../../../etc/shadow",
      "%s%s%n",     "-rf",
  };
  for (const std::string& value : hostile) {
    SCOPED_TRACE(value);
    EXPECT_EQ(*CanonicalizeValue(Param(ParamType::kString), value), value);
    for (ParamType type : {ParamType::kInt, ParamType::kFloat, ParamType::kBool, ParamType::kS3Uri,
                           ParamType::kDate, ParamType::kDuration}) {
      EXPECT_FALSE(CanonicalizeValue(Param(type), value).ok()) << ParamTypeName(type);
    }
    Result<std::string> as_path = CanonicalizeValue(Param(ParamType::kPath), value);
    if (as_path.ok()) {
      EXPECT_EQ(*as_path, value);
    }
  }
  // Paths: odd but harmless file names pass; traversal, option-like and control bytes do not.
  for (const char* ok :
       {"; rm -rf ~", "$(id)", "`id`", "{{ params.other }}", "|| true", "> /etc/x"}) {
    EXPECT_TRUE(CanonicalizeValue(Param(ParamType::kPath), ok).ok()) << ok;
  }
  for (const char* bad :
       {"a\nb", "\r\n", "\x1b[31mred", "../../../../etc/shadow", "-rf", "%s/../x"}) {
    EXPECT_FALSE(CanonicalizeValue(Param(ParamType::kPath), bad).ok()) << bad;
  }
  Parameter enum_param = Param(ParamType::kEnum);
  enum_param.values = {"a", "b"};
  EXPECT_THAT(CanonicalizeValue(enum_param, "a\nb").status().message(), HasSubstr("\"a\\nb\""));
  // The NUL byte is refused for every type, strings included.
  EXPECT_FALSE(CanonicalizeValue(Param(ParamType::kString), std::string("ok\0; id", 7)).ok());
}

TEST(ParamTypesTest, MessagesEscapeControlCharacters) {
  EXPECT_EQ(CanonicalizeValue(Param(ParamType::kInt), "1\n\x1b[2J").status().message(),
            "expected an integer; got \"1\\n\\x1b[2J\"");
}

}  // namespace
}  // namespace awshpc::spec
