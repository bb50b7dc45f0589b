import { api } from '@/api/http';
import type { CreatedUserDto, CreateUserDto, InitialPasswordDto, UpdateUserDto, UserDto, UserPageDto } from '@/api/schema';

export type { CreatedUserDto, UserDto };

export const usersApi = {
  list: (query: { page: number; pageSize: number; q?: string }) => api.get<UserPageDto>('/api/users', query),
  create: (body: CreateUserDto) => api.post<CreatedUserDto>('/api/users', body),
  update: (id: number, body: UpdateUserDto) => api.patch<UserDto>(`/api/users/${id}`, body),
  resetPassword: (id: number) => api.post<InitialPasswordDto>(`/api/users/${id}/reset-password`),
};
