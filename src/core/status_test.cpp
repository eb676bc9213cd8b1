#include "awshpc/core/status.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace awshpc {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgumentError("odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  ASSIGN_OR_RETURN_CTX(int half, Half(n), "first half");
  ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int n) {
  RETURN_IF_ERROR_CTX(Half(n).status(), "checking " + std::to_string(n));
  return Status::Ok();
}

TEST(StatusTest, OkByDefault) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.ToString(), "OK");
}

TEST(StatusTest, ContextIsPrefixed) {
  Status status = NotFoundError("no such job").WithContext("job status j-1");
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(status.message(), "job status j-1: no such job");
  EXPECT_EQ(status.ToString(), "NOT_FOUND: job status j-1: no such job");
}

TEST(StatusTest, ErrnoMapsToCodes) {
  EXPECT_EQ(ErrnoError("open x", ENOENT).code(), StatusCode::kNotFound);
  EXPECT_EQ(ErrnoError("open x", EACCES).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrnoError("open x", ENOENT).message(), "open x: No such file or directory");
}

TEST(ResultTest, MacrosPropagateWithContext) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> odd = Quarter(6);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().message(), "odd");
  Result<int> first = Quarter(3);
  EXPECT_EQ(first.status().message(), "first half: odd");
  EXPECT_EQ(CheckEven(3).message(), "checking 3: odd");
  EXPECT_TRUE(CheckEven(4).ok());
}

TEST(ResultTest, ValueOr) {
  EXPECT_EQ(Half(3).value_or(-1), -1);
  EXPECT_EQ(Half(4).value_or(-1), 2);
}

TEST(ResultDeathTest, ReadingAFailedResultAborts) {
  EXPECT_DEATH({ (void)*Half(3); }, "value of a failed Result read: INVALID_ARGUMENT: odd");
}

}  // namespace
}  // namespace awshpc
