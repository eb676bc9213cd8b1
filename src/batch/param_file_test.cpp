// File: param_file_test.cpp
// --param-file: CSV parsing with its errors by line, rows rendered and validated against the
// spec, and the task a container picks by its array index.
#include "awshpc/batch/param_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../aws/test_util.hpp"
#include "awshpc/spec/loader.hpp"

namespace awshpc::batch {
namespace {

using ::testing::HasSubstr;

TEST(ParamFileTest, ParsesQuotedFieldsAndLineEndings) {
  auto table = ParseTaskCsv(
      "text,steps\r\nplain,1\r\n\"with, comma\",2\n\"a \"\"quote\"\"\nand newline\",3\n\n",
      "t.csv");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->columns, (std::vector<std::string>{"text", "steps"}));
  ASSERT_EQ(table->rows.size(), 3u);
  EXPECT_EQ(table->rows[1][0], "with, comma");
  EXPECT_EQ(table->rows[2][0], "a \"quote\"\nand newline");
  EXPECT_EQ(table->lines, (std::vector<int>{2, 3, 4}));
}

TEST(ParamFileTest, ErrorsNameTheLine) {
  EXPECT_THAT(ParseTaskCsv("a,b\n1,2\n3\n", "t.csv").status().message(),
              HasSubstr("t.csv:3: 1 fields; the header has 2"));
  EXPECT_THAT(ParseTaskCsv("a\n\"open\n", "t.csv").status().message(),
              HasSubstr("unterminated quote"));
  EXPECT_THAT(ParseTaskCsv("a,a\n1,2\n", "t.csv").status().message(), HasSubstr("twice"));
  EXPECT_THAT(ParseTaskCsv("a\n", "t.csv").status().message(), HasSubstr("no task rows"));
  EXPECT_THAT(ParseTaskCsv("", "t.csv").status().message(), HasSubstr("header"));
  EXPECT_THAT(ParseTaskCsv("a\nx\"y\n", "t.csv").status().message(), HasSubstr("t.csv:2"));
}

TEST(ParamFileTest, EveryRowIsRenderedAndCheckedAgainstTheSpec) {
  const char* yaml = R"(apiVersion: aws-hpc/v1
name: sweep
version: "1"
parameters:
  text: {type: string, required: true}
  steps: {type: int, default: 10, min: 1, max: 100}
command: [run, "{{ params.text }}", "--steps", "{{ params.steps }}"]
)";
  auto loaded = spec::ParseAppSpec(yaml, "app.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.DiagnosticsText();
  spec::RenderRequest base;
  base.params = {{"steps", "5"}};
  auto table = ParseTaskCsv("text\n; rm -rf ~\nb\n", "t.csv");
  auto tasks = RenderTasks(*loaded.spec, base, *table, "t.csv");
  ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
  ASSERT_EQ(tasks->size(), 2u);
  EXPECT_EQ((*tasks)[0].argv, (std::vector<std::string>{"run", "; rm -rf ~", "--steps", "5"}));
  // A row value overrides --param; a bad value names the file and line.
  auto bad_table = ParseTaskCsv("text,steps\na,7\nb,1000\n", "t.csv");
  auto bad = RenderTasks(*loaded.spec, base, *bad_table, "t.csv");
  EXPECT_THAT(bad.status().message(), HasSubstr("t.csv:3"));
  EXPECT_THAT(bad.status().message(), HasSubstr("steps"));
  auto unknown = RenderTasks(*loaded.spec, base, *ParseTaskCsv("txt\na\n", "t.csv"), "t.csv");
  EXPECT_THAT(unknown.status().message(), HasSubstr("t.csv:2"));
}

TEST(ParamFileTest, ATaskPicksItsRowByGlobalIndex) {
  aws::testing::TempDir dir;
  sched::JobRequest a, b, c;
  a.argv = {"echo", "a"};
  b.argv = {"echo", "b"};
  c.argv = {"echo", "c"};
  c.environment = {{"X", "1"}};
  dir.Write(kTasksFileName, TasksJson({a, b, c}));
  aws::MapEnvironment env = {{kTasksFileEnv, kTasksFileName},
                             {"AWS_BATCH_JOB_ARRAY_INDEX", "0"},
                             {"AWS_HPC_ARRAY_OFFSET", "2"}};
  auto task = SelectTask(env, dir.path());
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  EXPECT_EQ(task->index, 2);
  EXPECT_EQ(task->argv, c.argv);
  EXPECT_EQ(task->environment.size(), 1u);
  aws::MapEnvironment single = {{kTasksFileEnv, kTasksFileName}, {"AWS_HPC_ARRAY_INDEX", "1"}};
  EXPECT_EQ(SelectTask(single, dir.path())->argv, b.argv);
  aws::MapEnvironment beyond = {{kTasksFileEnv, kTasksFileName},
                                {"AWS_BATCH_JOB_ARRAY_INDEX", "3"}};
  EXPECT_THAT(SelectTask(beyond, dir.path()).status().message(), HasSubstr("task 3 of a 3-task"));
  aws::MapEnvironment no_index = {{kTasksFileEnv, kTasksFileName}};
  EXPECT_FALSE(SelectTask(no_index, dir.path()).ok());
}

}  // namespace
}  // namespace awshpc::batch
