export default {
  'zh-CN': {
    title: '活跃 Session',
    empty: '暂无中转会话',
    intro: '通过 API 中转（/v1/messages）发起的会话将在这里列出，可查看每个会话的请求明细并终止会话。',
  },
  en: {
    title: 'Relay sessions',
    empty: 'No relay sessions yet',
    intro: 'Sessions made through the API relay (/v1/messages) are listed here, with each request, and can be terminated.',
  },
};
