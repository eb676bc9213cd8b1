// File: body_streams_test.cpp
#include "awshpc/aws/body_streams.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "awshpc/aws/crypto.hpp"
#include "test_util.hpp"

namespace awshpc::aws {
namespace {

std::string Drain(const BodySource& source, std::size_t chunk) {
  std::string out, buffer(chunk, '\0');
  while (true) {
    auto n = source(buffer.data(), buffer.size());
    EXPECT_TRUE(n.ok());
    if (!n.ok() || *n == 0) return out;
    out.append(buffer.data(), *n);
  }
}

TEST(BodyStreamsTest, FileSourceRangesAndHash) {
  testing::TempDir dir;
  std::string content;
  for (int i = 0; i < 100'000; ++i) content += static_cast<char>('a' + i % 26);
  const std::string path = dir.Write("data", content);
  auto whole = FileBodySource(path);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->length, content.size());
  EXPECT_EQ(Drain(whole->source, 4096), content);
  auto part = FileBodySource(path, 1000, 5000);
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(Drain(part->source, 777), content.substr(1000, 5000));
  EXPECT_EQ(*Sha256HexOfFile(path), Sha256Hex(content));
  EXPECT_EQ(*Sha256HexOfFile(path, 99'000), Sha256Hex(content.substr(99'000)));
  EXPECT_EQ(FileBodySource(path, 0, 200'000).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FileBodySource(dir.path() + "/missing").status().code(), StatusCode::kNotFound);
}

TEST(BodyStreamsTest, FileSinkWritesChunks) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/out";
  auto sink = FileBodySink(path);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)("hello, ").ok());
  ASSERT_TRUE((*sink)("world").ok());
  sink = FileBodySink(dir.path() + "/no/such/dir/out");
  EXPECT_FALSE(sink.ok());
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "hello, world");
}

}  // namespace
}  // namespace awshpc::aws
