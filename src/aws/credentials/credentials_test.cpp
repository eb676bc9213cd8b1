// File: credentials/credentials_test.cpp
// Environment, credential_process, profile (static, process, role chains with a fake STS,
// cycles), caching and chain order. No network: IMDS is disabled, no container variables.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../test_util.hpp"
#include "awshpc/aws/credentials/basic_providers.hpp"
#include "awshpc/aws/credentials/chain.hpp"
#include "awshpc/aws/credentials/profile_provider.hpp"

namespace awshpc::aws {
namespace {

TEST(EnvironmentCredentialsTest, ReadsKeysTokenAndExpiration) {
  MapEnvironment empty;
  EXPECT_EQ(EnvironmentCredentialsProvider(empty).GetCredentials().status().code(),
            StatusCode::kNotFound);
  MapEnvironment env({{"AWS_ACCESS_KEY_ID", "AKID"},
                      {"AWS_SECRET_ACCESS_KEY", "SECRET"},
                      {"AWS_SESSION_TOKEN", "TOKEN"},
                      {"AWS_CREDENTIAL_EXPIRATION", "2026-11-30T00:00:00Z"}});
  auto credentials = EnvironmentCredentialsProvider(env).GetCredentials();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->access_key_id, "AKID");
  EXPECT_EQ(credentials->session_token, "TOKEN");
  EXPECT_EQ(credentials->expiration, *ParseIso8601("2026-11-30T00:00:00Z"));
  MapEnvironment partial({{"AWS_ACCESS_KEY_ID", "AKID"}});
  EXPECT_EQ(EnvironmentCredentialsProvider(partial).GetCredentials().status().code(),
            StatusCode::kInvalidArgument);
}

// A credential_process program in a temp dir that prints `json` and logs its argv.
std::string WriteProcess(const testing::TempDir& dir, const std::string& json, int exit_code = 0) {
  return dir.Write(
      "bin/creds helper",
      "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\" >> \"$(dirname \"$0\")/argv\"; done\n"
      "cat <<'JSON'\n" +
          json + "\nJSON\necho diagnostics >&2\nexit " + std::to_string(exit_code) + "\n",
      0755);
}

TEST(ProcessCredentialsTest, RunsArgvWithoutAShell) {
  testing::TempDir dir;
  const std::string program = WriteProcess(
      dir, R"({"Version": 1, "AccessKeyId": "PROC", "SecretAccessKey": "S", "SessionToken": "T",
               "Expiration": "2030-01-01T00:00:00Z"})");
  const std::string marker = dir.path() + "/pwned";
  // Quotes keep the space in the path; ';' and '$(...)' are plain arguments, not shell syntax.
  ProcessCredentialsProvider provider(
      "'" + program + "' --profile \"a b\" ;touch " + marker + " $(id)", "p");
  auto credentials = provider.GetCredentials();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "PROC");
  EXPECT_EQ(credentials->session_token, "T");
  EXPECT_EQ(credentials->expiration, *ParseIso8601("2030-01-01T00:00:00Z"));
  EXPECT_FALSE(std::filesystem::exists(marker));
  std::ifstream argv_log(dir.path() + "/bin/argv");
  std::string all((std::istreambuf_iterator<char>(argv_log)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, "--profile\na b\n;touch\n" + marker + "\n$(id)\n");
}

TEST(ProcessCredentialsTest, ReportsFailuresWithoutLeakingOutput) {
  testing::TempDir dir;
  const std::string failing = WriteProcess(dir, R"({"SecretAccessKey": "LEAK"})", 2);
  auto failed = ProcessCredentialsProvider("'" + failing + "'", "p").GetCredentials();
  EXPECT_EQ(failed.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(failed.status().message().find("exited with status 2: diagnostics"), std::string::npos);
  EXPECT_EQ(failed.status().message().find("LEAK"), std::string::npos);

  testing::TempDir dir2;
  const std::string wrong_version =
      WriteProcess(dir2, R"({"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "LEAK"})");
  auto bad = ProcessCredentialsProvider("'" + wrong_version + "'", "p").GetCredentials();
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().find("LEAK"), std::string::npos);
  EXPECT_FALSE(ProcessCredentialsProvider("'unterminated", "p").GetCredentials().ok());
}

class CountingProvider final : public CredentialsProvider {
 public:
  explicit CountingProvider(const Clock& clock) : clock_(clock) {}
  Result<Credentials> GetCredentials() override {
    ++calls;
    if (fail) return UnavailableError("endpoint down");
    return Credentials{"KEY" + std::to_string(calls), "S", "T", clock_.NowMillis() + 3'600'000,
                       "counting"};
  }
  int calls = 0;
  bool fail = false;

 private:
  const Clock& clock_;
};

TEST(CachingCredentialsTest, RefreshesFiveMinutesBeforeExpiry) {
  FakeClock clock(1'796'000'000'000);
  auto inner = std::make_unique<CountingProvider>(clock);
  CountingProvider* counting = inner.get();
  CachingCredentialsProvider cache(std::move(inner), clock);
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "KEY1");
  clock.Advance(std::chrono::minutes(54));
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "KEY1");
  EXPECT_EQ(counting->calls, 1);
  clock.Advance(std::chrono::minutes(2));  // 4 minutes left: refresh
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "KEY2");
  // A failed refresh keeps still-valid credentials, and fails once they have expired.
  counting->fail = true;
  clock.Advance(std::chrono::minutes(57));
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "KEY2");
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "KEY2");
  EXPECT_EQ(counting->calls, 3);  // the failing source is not asked again at once
  clock.Advance(std::chrono::seconds(31));
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "KEY2");
  EXPECT_EQ(counting->calls, 4);
  counting->fail = false;
  clock.Advance(std::chrono::seconds(31));
  EXPECT_EQ(cache.GetCredentials()->access_key_id, "KEY5");  // recovered
  counting->fail = true;
  clock.Advance(std::chrono::minutes(65));
  EXPECT_EQ(cache.GetCredentials().status().code(), StatusCode::kUnavailable);
}

// Records AssumeRole calls; the "assumed" key names the role and the source key.
class FakeSts final : public StsClient {
 public:
  explicit FakeSts(std::vector<std::string>& calls_log) : calls(calls_log) {}
  Result<Credentials> AssumeRole(const Credentials& source,
                                 const AssumeRoleParams& params) override {
    calls.push_back(
        params.role_arn + " with " + source.access_key_id +
        (params.external_id.empty() ? "" : " ext " + params.external_id) +
        (params.duration_seconds ? " for " + std::to_string(params.duration_seconds) : ""));
    return Credentials{"ASSUMED(" + params.role_arn + ")", "S", "T", 1, "sts"};
  }
  Result<Credentials> AssumeRoleWithWebIdentity(const AssumeRoleParams& params) override {
    calls.push_back("web " + params.role_arn + " token " + params.web_identity_token);
    return Credentials{"WEB", "S", "T", 1, "sts"};
  }
  std::vector<std::string>& calls;
};

struct ProfileFixture {
  explicit ProfileFixture(const std::string& config_text) {
    config = *ParseSharedConfig(config_text, "");
    context.config = &config;
    context.env = &env;
    context.clock = &clock;
    context.sts = [this](std::string_view region) -> Result<std::unique_ptr<StsClient>> {
      regions.emplace_back(region);
      return std::unique_ptr<StsClient>(std::make_unique<FakeSts>(calls));
    };
    context.credential_source =
        [this](std::string_view source) -> std::unique_ptr<CredentialsProvider> {
      if (source != "Environment") return nullptr;
      return std::make_unique<StaticCredentialsProvider>(Credentials{"FROMENV", "S", "", {}, "e"});
    };
  }
  Result<Credentials> Get(const std::string& profile) {
    return ProfileCredentialsProvider(context, profile).GetCredentials();
  }
  SharedConfig config;
  MapEnvironment env;
  FakeClock clock{1'000};
  ProfileProviderContext context;
  std::vector<std::string> calls;  // every STS call, in order
  std::vector<std::string> regions;
};

TEST(ProfileCredentialsTest, StaticKeysAndRoleChains) {
  ProfileFixture f(
      "[profile base]\naws_access_key_id = BASE\naws_secret_access_key = s\nregion = eu-west-1\n"
      "[profile admin]\nrole_arn = arn:aws:iam::1:role/admin\nsource_profile = base\n"
      "external_id = ext-1\nduration_seconds = 900\n"
      "[profile deep]\nrole_arn = arn:aws:iam::2:role/deep\nsource_profile = admin\n"
      "region = us-west-2\n"
      "[profile self]\nrole_arn = arn:aws:iam::3:role/self\nsource_profile = self\n"
      "aws_access_key_id = SELF\naws_secret_access_key = s\n"
      "[profile fromenv]\nrole_arn = arn:aws:iam::4:role/e\ncredential_source = Environment\n");
  EXPECT_EQ(f.Get("base")->access_key_id, "BASE");

  EXPECT_EQ(f.Get("admin")->access_key_id, "ASSUMED(arn:aws:iam::1:role/admin)");
  EXPECT_EQ(f.calls,
            std::vector<std::string>{"arn:aws:iam::1:role/admin with BASE ext ext-1 for 900"});

  EXPECT_EQ(f.Get("deep")->access_key_id, "ASSUMED(arn:aws:iam::2:role/deep)");
  EXPECT_EQ(f.calls.back(), "arn:aws:iam::2:role/deep with ASSUMED(arn:aws:iam::1:role/admin)");
  EXPECT_EQ(f.calls[f.calls.size() - 2], "arn:aws:iam::1:role/admin with BASE ext ext-1 for 900");
  EXPECT_EQ(f.regions.back(), "us-east-1");  // admin has no region of its own
  EXPECT_EQ(f.regions[f.regions.size() - 2], "us-west-2");

  EXPECT_EQ(f.Get("self")->access_key_id, "ASSUMED(arn:aws:iam::3:role/self)");
  EXPECT_EQ(f.calls.back(), "arn:aws:iam::3:role/self with SELF");
  EXPECT_EQ(f.Get("fromenv")->access_key_id, "ASSUMED(arn:aws:iam::4:role/e)");
  EXPECT_EQ(f.calls.back(), "arn:aws:iam::4:role/e with FROMENV");
}

TEST(ProfileCredentialsTest, DetectsCyclesAndBadConfigurations) {
  ProfileFixture f(
      "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
      "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = c\n"
      "[profile c]\nrole_arn = arn:aws:iam::1:role/c\nsource_profile = a\n"
      "[profile nosource]\nrole_arn = arn:aws:iam::1:role/x\n"
      "[profile both]\nrole_arn = r\nsource_profile = a\ncredential_source = Environment\n"
      "[profile badsource]\nrole_arn = r\ncredential_source = Floppy\n"
      "[profile mfa]\nrole_arn = r\nsource_profile = keys\nmfa_serial = arn:mfa\n"
      "[profile keys]\naws_access_key_id = K\naws_secret_access_key = S\n"
      "[profile half]\naws_access_key_id = K\n"
      "[profile missing_source]\nrole_arn = r\nsource_profile = ghost\n"
      "[profile empty]\nregion = x\n");
  auto cycle = f.Get("a");
  EXPECT_EQ(cycle.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(cycle.status().message().find("source_profile cycle through profile a"),
            std::string::npos);
  EXPECT_EQ(f.Get("nosource").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(f.Get("both").status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(f.Get("badsource").status().message().find("Floppy"), std::string::npos);
  EXPECT_EQ(f.Get("mfa").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(f.Get("half").status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(f.Get("missing_source").status().message().find("profile ghost does not exist"),
            std::string::npos);
  EXPECT_EQ(f.Get("empty").status().code(), StatusCode::kNotFound);
  // No STS call was made for any of them.
  EXPECT_TRUE(f.calls.empty());
}

TEST(ProfileCredentialsTest, CredentialProcessAndWebIdentityInAProfile) {
  testing::TempDir dir;
  const std::string program =
      WriteProcess(dir, R"({"Version": 1, "AccessKeyId": "PROC", "SecretAccessKey": "S"})");
  const std::string token = dir.Write("token", "eyJ-web-token\n");
  ProfileFixture f("[profile proc]\ncredential_process = '" + program + "'\n" +
                   "[profile web]\nrole_arn = arn:aws:iam::5:role/web\nweb_identity_token_file = " +
                   token + "\nrole_session_name = s1\n");
  EXPECT_EQ(f.Get("proc")->access_key_id, "PROC");
  EXPECT_EQ(f.Get("web")->access_key_id, "WEB");
  EXPECT_EQ(f.calls.back(), "web arn:aws:iam::5:role/web token eyJ-web-token");
}

TEST(ProfileCredentialsTest, StaticKeysBeatCredentialProcessAndPhasesSplitRoles) {
  ProfileFixture f(
      "[profile both]\naws_access_key_id = KEYS\naws_secret_access_key = s\n"
      "credential_process = /nonexistent/never-run\n"
      "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = both\n");
  EXPECT_EQ(f.Get("both")->access_key_id, "KEYS");
  using Phase = ProfileCredentialsProvider::Phase;
  EXPECT_EQ(ProfileCredentialsProvider(f.context, "both", Phase::kRolesOnly)
                .GetCredentials()
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(ProfileCredentialsProvider(f.context, "role", Phase::kWithoutRoles)
                .GetCredentials()
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(ProfileCredentialsProvider(f.context, "role", Phase::kRolesOnly)
                .GetCredentials()
                ->access_key_id,
            "ASSUMED(arn:aws:iam::1:role/r)");
}

TEST(CredentialsChainTest, OrderAndExplicitProfiles) {
  auto config = *ParseSharedConfig(
      "[default]\naws_access_key_id = DEFAULT\naws_secret_access_key = s\n"
      "[profile dev]\naws_access_key_id = DEV\naws_secret_access_key = s\n",
      "");
  config.config_path = "/cfg";
  config.credentials_path = "/creds";
  FakeClock clock(1'000);
  MapEnvironment env({{"AWS_ACCESS_KEY_ID", "ENV"},
                      {"AWS_SECRET_ACCESS_KEY", "s"},
                      {"AWS_EC2_METADATA_DISABLED", "true"}});
  DefaultChainOptions options;
  options.env = &env;
  options.config = &config;
  options.clock = &clock;
  EXPECT_EQ(MakeDefaultCredentialsChain(options)->GetCredentials()->access_key_id, "ENV");
  options.cli_profile = "dev";  // --profile beats environment keys
  EXPECT_EQ(MakeDefaultCredentialsChain(options)->GetCredentials()->access_key_id, "DEV");
  options.cli_profile = "nope";
  auto missing = MakeDefaultCredentialsChain(options)->GetCredentials();
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("profile nope does not exist in /cfg or /creds"),
            std::string::npos);

  MapEnvironment bare({{"AWS_EC2_METADATA_DISABLED", "true"}});
  options.env = &bare;
  options.cli_profile.clear();
  EXPECT_EQ(MakeDefaultCredentialsChain(options)->GetCredentials()->access_key_id, "DEFAULT");
  SharedConfig nothing;
  options.config = &nothing;
  auto none = MakeDefaultCredentialsChain(options)->GetCredentials();
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find("EC2 instance metadata: IMDS is disabled"),
            std::string::npos);
}

}  // namespace
}  // namespace awshpc::aws
